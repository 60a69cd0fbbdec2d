/**
 * A dedicated process entry for the agent hooks (`node dist/agent-hook.cjs claude-code|gemini`). An
 * agent CLI starts one hook process per tool call, so this entry skips the CLI's command table and
 * node's stream setup: stdin is read with one `readFileSync(0)`, output is written with `writeSync`.
 * Exit codes follow the hooks: 0 pass, 2 block; never 1.
 */
import { readFileSync, writeSync } from 'node:fs';
import type { CliContext, CommandResult } from '../cli/context.js';

const BLOCK = 2;

const HOOKS: Record<string, () => Promise<(context: CliContext) => Promise<CommandResult>>> = {
  'claude-code': async () => (await import('../hooks/claude-code.js')).run,
  gemini: async () => (await import('../hooks/gemini.js')).run,
};

/** stdin as the one chunk it is: hooks get their JSON and then EOF. */
function stdinOnce(): CliContext['stdin'] {
  let text: Buffer | null = null;
  const read = () => (text ??= readFileSync(0));
  return {
    isTTY: false,
    async *[Symbol.asyncIterator]() {
      yield read();
    },
  } as unknown as CliContext['stdin'];
}

const output = (fd: number) => ({ write: (chunk: string) => writeSync(fd, chunk) });

export async function runAgentHookProcess(
  argv: string[],
  context: Omit<CliContext, 'args'> = {
    env: process.env,
    cwd: process.cwd(),
    stdout: output(1),
    stderr: output(2),
    stdin: stdinOnce(),
    now: Date.now,
  },
): Promise<number> {
  const [name, ...args] = argv;
  const load = name === undefined ? undefined : HOOKS[name];
  if (!load) {
    context.stderr.write(
      `gitfence agent hook: unknown hook "${name ?? ''}" (expected ${Object.keys(HOOKS).join(' or ')}); denying\n`,
    );
    return BLOCK;
  }
  try {
    const result = await (await load())({ ...context, args });
    return result === 'ok' ? 0 : BLOCK;
  } catch (error) {
    context.stderr.write(
      `gitfence agent hook ${name}: internal error, denying: ${String(error)}\n`,
    );
    return BLOCK;
  }
}

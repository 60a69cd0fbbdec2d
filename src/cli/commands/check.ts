/** `gitfence check [--json] [--agent NAME] [--cwd DIR] -- <git args…>`: decide one git argv. */
import { resolve } from 'node:path';
import { GitfenceError } from '../../errors.js';
import { decideGit } from '../../facts/decide-git.js';
import { renderDenialLine } from '../../render/denial.js';
import { renderCheck } from '../../render/check.js';
import { colorEnabled } from '../../render/color-enabled.js';
import { renderCommand } from '../../render/text.js';
import { parseDecisionArgs, requireDirectory } from '../args.js';
import type { CliContext, Command } from '../context.js';
import { runCommand } from '../run-command.js';

export interface GitCallArgs {
  json: boolean;
  agent: string | null;
  cwd: string;
  argv: string[];
}

/** Flags before `--`, the git argv after it; without `--`, the positionals are the git argv. */
export function parseGitCallArgs(name: string, context: CliContext): GitCallArgs {
  const parsed = parseDecisionArgs(context.args, {
    where: `gitfence ${name}`,
    expected: `gitfence ${name} [--json] [--agent NAME] [--cwd DIR] -- <git args…>`,
    hint: 'put the git arguments after `--`',
  });
  if (parsed.words.length === 0) {
    throw new GitfenceError('USAGE', 'no git arguments given', {
      where: `gitfence ${name}`,
      expected: 'the git argv after `--`, e.g. `-- reset --hard`',
      got: '(nothing)',
    });
  }
  const cwd = resolve(context.cwd, parsed.cwd ?? '.');
  if (parsed.cwd !== undefined) requireDirectory(cwd);
  const agent = parsed.agent || context.env.LLM_AGENT_NAME || null;
  return { json: parsed.json, agent, cwd, argv: parsed.words };
}

export const command: Command = {
  name: 'check',
  summary: 'decide one git argv against the compiled policy',
  usage: [
    'usage: gitfence check [--json] [--agent NAME] [--cwd DIR] -- <git args…>',
    '',
    'Decide one git call against the compiled policy, without running it.',
    '',
    '  --json         print the whole Decision (every matching rule) as JSON on stdout',
    '  --agent NAME   decide for this agent (default: $LLM_AGENT_NAME)',
    '  --cwd DIR      decide as if git ran in DIR (default: here)',
    '',
    'Exit codes: 0 allowed, 42 denied (also when the policy is missing or corrupt), 2 usage error,',
    '1 internal error.',
  ].join('\n'),
  async run(context) {
    const args = parseGitCallArgs('check', context);
    const { decision } = await decideGit({
      argv: args.argv,
      cwd: args.cwd,
      env: context.env,
      agent: args.agent,
      now: context.now,
      tty: context.stderr.isTTY === true,
    });
    if (args.json) context.stdout.write(`${JSON.stringify(decision, null, 2)}\n`);
    if (decision.outcome === 'allow') {
      if (!args.json) context.stdout.write(`${renderCheck(decision, args.argv)}\n`);
      return 'ok';
    }
    context.stderr.write(`${renderDenialLine(decision)}\n`);
    if (!args.json) {
      if (context.stderr.isTTY) {
        const { renderAlert } = await import('../../render/alert.js');
        const color = colorEnabled(context.env, true);
        context.stderr.write(
          `${renderAlert(decision, { color, command: renderCommand(args.argv) })}\n`,
        );
      }
      context.stdout.write(`${renderCheck(decision, args.argv)}\n`);
    }
    return 'denied';
  },
};

/**
 * `gitfence check` as a whole process, for a dedicated build entry that loads only this command's
 * code (the check path's speed target), run as `main` runs every command (runCommand).
 */
export async function runCheckProcess(
  args: string[],
  context: Omit<CliContext, 'args'> = {
    env: process.env,
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    now: Date.now,
  },
): Promise<number> {
  return runCommand(command, args, context);
}

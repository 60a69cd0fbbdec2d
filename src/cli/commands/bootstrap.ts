/** `gitfence bootstrap`: compile the policy, install the shim, and lock `.git` only when asked. */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { EXIT, GitfenceError } from '../../errors.js';
import { createWriteLockDeps, loadRepo } from '../../writelock/context.js';
import { lockRepo } from '../../writelock/service.js';
import { findCliPath } from '../../writelock/watchdog.js';
import { parseFlags } from '../args.js';
import type { CliContext, Command, CommandResult } from '../context.js';

const USAGE = `usage: gitfence bootstrap [--ensure-git-lock] [--cwd DIR]

Set a repository up for agents, in order:
  1. compile the policy (gitfence compile)
  2. install the git shim (gitfence shim install)
  3. with --ensure-git-lock only: lock .git (git-write-lock lock)

Without --ensure-git-lock, .git stays as it is (unlocked by default). The lock is applied even
when an earlier step failed, because locking only ever protects; the exit code is the first
failing step's.`;

interface StepOutcome {
  step: string;
  code: number;
}

/** Each step runs as the CLI itself, so bootstrap does not depend on other components' internals. */
function runCli(cli: string, args: string[], context: CliContext, cwd: string): Promise<number> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd,
      env: context.env as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => context.stdout.write(chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => context.stderr.write(chunk.toString('utf8')));
    child.on('error', () => resolvePromise(EXIT.internal));
    child.on('close', (code) => resolvePromise(code ?? EXIT.internal));
  });
}

export const command: Command = {
  name: 'bootstrap',
  summary: 'compile, install the shim and optionally lock .git',
  usage: USAGE,
  async run(context): Promise<CommandResult> {
    const { values } = parseFlags(
      {
        args: context.args,
        options: { 'ensure-git-lock': { type: 'boolean' }, cwd: { type: 'string' } },
        strict: true,
        allowPositionals: false,
      },
      {
        where: 'gitfence bootstrap',
        expected: 'gitfence bootstrap [--ensure-git-lock] [--cwd DIR]',
        got: context.args.join(' '),
        hint: 'run `gitfence bootstrap --help`',
      },
    );
    const cwd = resolve(context.cwd, values.cwd ?? '.');
    const deps = createWriteLockDeps(context.env, context.now);
    const repo = await loadRepo(cwd, deps.git);
    const cli = findCliPath();
    if (!cli) {
      throw new GitfenceError(
        'INTERNAL',
        'cannot find the gitfence CLI to run the bootstrap steps',
        {
          expected: 'bin/gitfence.js beside the installed package',
          got: 'nothing',
        },
      );
    }
    const outcomes: StepOutcome[] = [];
    for (const [step, args] of [
      ['compile', ['compile']],
      ['shim install', ['shim', 'install']],
    ] as const) {
      context.stderr.write(`bootstrap: ${step}\n`);
      const code = await runCli(cli, [...args], context, cwd);
      outcomes.push({ step, code });
      if (code !== EXIT.ok) context.stderr.write(`bootstrap: ${step} failed (exit ${code})\n`);
    }
    if (values['ensure-git-lock']) {
      context.stderr.write('bootstrap: lock .git\n');
      const locked = await lockRepo(repo, deps);
      context.stdout.write(`${locked.message}\n`);
      for (const note of locked.notes) context.stderr.write(`note: ${note}\n`);
    } else {
      context.stderr.write('bootstrap: .git left as it is (pass --ensure-git-lock to lock it)\n');
    }
    const failed = outcomes.find((outcome) => outcome.code !== EXIT.ok);
    return failed ? { passthrough: failed.code } : 'ok';
  },
};

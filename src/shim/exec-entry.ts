/**
 * A dedicated entry for the shim's delegated path: `node dist/shim-exec.cjs --real-git=PATH -- <git argv…>`.
 * It loads only what `shim exec` needs (no CLI table, no other command), which keeps a denied call
 * close to a bare node start. Built as one file by scripts/build.mjs; when absent the shim uses
 * `gitfence shim exec`, which does the same.
 */
import { EXIT, exitCodeForError, formatError } from '../errors.js';
import { fdOutput } from '../cli/hot-stdio.js';
import { runShimExec } from './exec.js';

export async function runShimExecProcess(argv: string[]): Promise<number> {
  const end = argv.indexOf('--');
  const own = end === -1 ? [] : argv.slice(0, end);
  const gitArgv = end === -1 ? argv : argv.slice(end + 1);
  const realGit = own.find((a) => a.startsWith('--real-git='))?.slice('--real-git='.length);
  try {
    const result = await runShimExec(
      {
        args: [],
        env: process.env,
        cwd: process.cwd(),
        stdout: fdOutput(1),
        stderr: fdOutput(2),
        // touching process.stdin sets it up (~2 ms); the shim never reads it
        get stdin() {
          return process.stdin;
        },
        now: Date.now,
      },
      realGit,
      gitArgv,
    );
    return typeof result === 'string' ? EXIT[result] : result.passthrough;
  } catch (error) {
    fdOutput(2).write(`${formatError(error)}\n`);
    return exitCodeForError(error);
  }
}

void runShimExecProcess(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});

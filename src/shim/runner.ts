/**
 * A GitRunner for the shim's hot path. Same contract as util/git-runner, but a git that exits
 * before reading stdin (EPIPE) is not a crash, and stdin is closed without a write when there is
 * no input. (Reported upstream: util/git-runner crashes on EPIPE for fast commands.)
 */
import { spawn } from 'node:child_process';
import type { GitRunner } from '../util/git-runner.js';

export function createShimGitRunner(
  gitPath: string,
  baseEnv: Record<string, string | undefined> = process.env,
): GitRunner {
  return {
    gitPath,
    run(args, options = {}) {
      return new Promise((resolve, reject) => {
        const child = spawn(gitPath, args, {
          cwd: options.cwd,
          env: { ...baseEnv, ...options.env } as NodeJS.ProcessEnv,
          stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
        });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        child.stdout!.on('data', (chunk: Buffer) => out.push(chunk));
        child.stderr!.on('data', (chunk: Buffer) => err.push(chunk));
        child.on('error', reject);
        child.on('close', (code) => {
          const stdoutBuffer = Buffer.concat(out);
          resolve({
            code: code ?? 1,
            stdout: stdoutBuffer.toString('utf8'),
            stdoutBuffer,
            stderr: Buffer.concat(err).toString('utf8'),
          });
        });
        if (child.stdin) {
          child.stdin.on('error', () => {
            // git exited without reading its input: its exit code tells the story
          });
          child.stdin.end(options.input);
        }
      });
    },
  };
}

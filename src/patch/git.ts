/**
 * The GitRunner save-patch and apply-patch use. Same contract as util/git-runner, plus a handler on
 * the child's stdin: git often exits before reading it, and the resulting EPIPE must not crash us.
 * (util/git-runner lacks that handler; this can go once it has it.)
 */
import { spawn } from 'node:child_process';
import type { GitRunner } from '../util/git-runner.js';

export function createPipeSafeGitRunner(
  gitPath: string,
  baseEnv: Record<string, string | undefined> = process.env,
): GitRunner {
  return {
    gitPath,
    run(args, options = {}) {
      return new Promise((resolve, reject) => {
        const env: Record<string, string | undefined> = { ...baseEnv, ...options.env };
        for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
        const child = spawn(gitPath, args, {
          cwd: options.cwd,
          env: env as NodeJS.ProcessEnv,
          stdio: ['pipe', 'pipe', 'pipe'],
        });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
        child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
        child.stdin.on('error', () => undefined);
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
        child.stdin.end(options.input ?? '');
      });
    },
  };
}

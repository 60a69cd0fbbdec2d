/** The real git for gitfence's own read-only calls: never the shim, which would call back into us. */
import { accessSync, constants, realpathSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { gitfenceHomeFrom, homePaths } from '../repo/state-paths.js';
import { spawn } from 'node:child_process';
import type { GitRunner } from '../util/git-runner.js';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

export function resolveRealGit(env: Record<string, string | undefined>, home = '/'): string {
  const shim = real(homePaths(gitfenceHomeFrom(env, home)).shim);
  const override = env.GITFENCE_REAL_GIT;
  if (override && executable(override) && real(override) !== shim) return override;
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'git');
    if (executable(candidate) && real(candidate) !== shim) return candidate;
  }
  for (const candidate of ['/usr/bin/git', '/usr/local/bin/git', '/opt/homebrew/bin/git']) {
    if (executable(candidate)) return candidate;
  }
  return 'git';
}

function definedOnly(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined));
}

/**
 * Like util/git-runner's, but git's stdin is ignored unless input is given: a git that exits before
 * reading stdin otherwise raises an unhandled EPIPE that kills the whole process.
 */
export function createRealGitRunner(env: Record<string, string | undefined>): GitRunner {
  const gitPath = resolveRealGit(env, env.HOME ?? '/');
  return {
    gitPath,
    run(args, options = {}) {
      return new Promise((resolvePromise, reject) => {
        const child = spawn(gitPath, args, {
          cwd: options.cwd,
          env: definedOnly({ ...env, ...options.env }),
          stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
        });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        child.stdout!.on('data', (chunk: Buffer) => out.push(chunk));
        child.stderr!.on('data', (chunk: Buffer) => err.push(chunk));
        child.on('error', reject);
        child.on('close', (code) => {
          const stdoutBuffer = Buffer.concat(out);
          resolvePromise({
            code: code ?? 1,
            stdout: stdoutBuffer.toString('utf8'),
            stdoutBuffer,
            stderr: Buffer.concat(err).toString('utf8'),
          });
        });
        if (child.stdin) {
          child.stdin.on('error', () => undefined);
          child.stdin.end(options.input);
        }
      });
    },
  };
}

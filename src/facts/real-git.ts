/** The real git for gitfence's own reads: never the shim, whatever PATH or GITFENCE_REAL_GIT say. */
import { join, resolve } from 'node:path';
import { gitfenceHomeFrom, homePaths } from '../repo/state-paths.js';
import type { GitRunner } from '../util/git-runner.js';

/** The environment gitfence's own git processes run with: PATH without the shim directory. */
export function realGitEnv(
  env: Record<string, string | undefined>,
  home: string,
): { gitPath: string; env: Record<string, string | undefined> } {
  const shimDir = resolve(homePaths(gitfenceHomeFrom(env, home)).shimDir);
  const path = (env.PATH ?? '')
    .split(':')
    .filter((dir) => dir !== '' && resolve(dir) !== shimDir)
    .join(':');
  const override = env.GITFENCE_REAL_GIT;
  const gitPath =
    override &&
    resolve(override) !== join(shimDir, 'git') &&
    !resolve(override).startsWith(`${shimDir}/`)
      ? override
      : 'git';
  return { gitPath, env: { ...env, PATH: path } };
}

function cleanEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  return out;
}

/**
 * A GitRunner whose children get no stdin unless given input (git cannot stall on a terminal), and
 * that survives git exiting before its input is written (EPIPE is git's answer, not our crash).
 */
export function createRealGitRunner(
  env: Record<string, string | undefined>,
  home: string,
): GitRunner {
  const real = realGitEnv(env, home);
  return {
    gitPath: real.gitPath,
    async run(args, options = {}) {
      // loaded on first use: the check path often needs no git process at all
      const { spawn } = await import('node:child_process');
      return new Promise((done, fail) => {
        const child = spawn(real.gitPath, args, {
          cwd: options.cwd,
          env: cleanEnv({ ...real.env, ...options.env }),
          stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
        });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
        child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
        child.on('error', fail);
        child.on('close', (code) => {
          const stdoutBuffer = Buffer.concat(out);
          done({
            code: code ?? 1,
            stdout: stdoutBuffer.toString('utf8'),
            stdoutBuffer,
            stderr: Buffer.concat(err).toString('utf8'),
          });
        });
        if (child.stdin) {
          child.stdin.on('error', () => {});
          child.stdin.end(options.input);
        }
      });
    },
  };
}

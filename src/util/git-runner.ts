/** Running git is I/O at the edge: everything that needs git takes a GitRunner, tests pass a real one. */
import { gitEnvFor, type GitEnvPurpose } from './git-env.js';

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface GitRunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  input?: string | Buffer;
  /** Return stdout as raw bytes (binary patches). */
  binary?: boolean;
  /** Hand stdout over chunk by chunk instead of collecting it (the result's stdout is then empty). */
  onStdout?: (chunk: Buffer) => void;
}

export interface GitRunner {
  /** The git binary this runner executes (the real git, never the shim). */
  readonly gitPath: string;
  run(args: string[], options?: GitRunOptions): Promise<GitResult & { stdoutBuffer: Buffer }>;
}

function definedOnly(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  return out;
}

/** The runner for gitfence's own git calls: `env` cleaned for `purpose` by the one rule (util/git-env). */
export function ownGitRunner(
  gitPath: string,
  env: Record<string, string | undefined>,
  purpose: GitEnvPurpose,
): GitRunner {
  return createGitRunner(gitPath, gitEnvFor(env, purpose));
}

/** The bare runner over exactly `baseEnv`: tests, and `ownGitRunner`/`createRealGitRunner` underneath. */
export function createGitRunner(
  gitPath: string,
  baseEnv: Record<string, string | undefined> = process.env,
): GitRunner {
  return {
    gitPath,
    async run(args, options = {}) {
      // loaded on first use: a decision often needs no git process at all
      const { spawn } = await import('node:child_process');
      return new Promise((resolve, reject) => {
        const child = spawn(gitPath, args, {
          cwd: options.cwd,
          env: definedOnly({ ...baseEnv, ...options.env }),
          stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
        });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        const onStdout = options.onStdout ?? ((chunk: Buffer) => out.push(chunk));
        child.stdout?.on('data', onStdout);
        child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
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
          // git may exit before reading all of its input; that is not our error to raise
          child.stdin.on('error', () => {});
          child.stdin.end(options.input);
        }
      });
    },
  };
}

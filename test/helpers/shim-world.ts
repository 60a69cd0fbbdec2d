/**
 * A sandbox with the shim installed into its temp GITFENCE_HOME and first on PATH, repositories
 * with a compiled policy and uncommitted work, and a fingerprint of everything a destructive git
 * command could change (working tree bytes, index bytes, refs, HEAD, stash), to prove nothing did.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, lstatSync, readlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createSandbox, must, type RunResult, type Sandbox } from './sandbox.js';

export interface ShimWorld {
  sb: Sandbox;
  shimDir: string;
  /** Environment of an agent session: shim first on PATH, an agent name. */
  agentEnv: Record<string, string | undefined>;
  /** Run a program as the agent would (through PATH, so `git` is the shim). */
  agent(
    cwd: string,
    cmd: string,
    args: string[],
    env?: Record<string, string | undefined>,
    input?: string,
  ): RunResult;
  bash(cwd: string, script: string, env?: Record<string, string | undefined>): RunResult;
  /** A repository with a committed policy extending `preset`, compiled, plus uncommitted work. */
  makeProtectedRepo(name: string, preset?: 'opsGitSafety' | 'precise'): string;
  /** Run the gitfence CLI this world was installed with. */
  gitfence(cwd: string, args: string[], env?: Record<string, string | undefined>): RunResult;
  cleanup(): void;
}

export function policySource(preset: string): string {
  return `import { definePolicy, presets } from 'gitfence';\nexport default definePolicy({ extends: [presets.${preset}] });\n`;
}

export interface ShimWorldOptions {
  /** Install and compile with this gitfence CLI (an installed tarball) instead of the checkout's. */
  cli?: string;
}

export function createShimWorld(options: ShimWorldOptions = {}): ShimWorld {
  const sb = createSandbox();
  const gitfence = (cwd: string, args: string[], env?: Record<string, string | undefined>) =>
    options.cli
      ? sb.run(process.execPath, [options.cli, ...args], { cwd, env })
      : sb.gitfence(cwd, args, env);
  const shimDir = join(sb.gitfenceHome, 'bin');
  // The sandbox's global config lives at $HOME/.gitconfig, where git finds it without
  // GIT_CONFIG_GLOBAL; the path guard would read that variable as a path outside the repository.
  const agentEnv: Record<string, string | undefined> = {
    PATH: `${shimDir}:${sb.env.PATH}`,
    GIT_CONFIG_GLOBAL: undefined,
    LLM_AGENT_NAME: 'agent-a',
  };
  must(gitfence(sb.root, ['shim', 'install']));
  // The `gitfence` a user gets from a package must resolve `gitfence` in their policy file too.
  const world: ShimWorld = {
    sb,
    shimDir,
    agentEnv,
    agent: (cwd, cmd, args, env = {}, input) =>
      sb.run(cmd, args, { cwd, env: { ...agentEnv, ...env }, input }),
    bash: (cwd, script, env = {}) =>
      sb.run('bash', ['-c', script], { cwd, env: { ...agentEnv, ...env } }),
    makeProtectedRepo(name, preset = 'opsGitSafety') {
      const repo = sb.makeRepo(name, {
        'README.md': 'hello\n',
        'src/app.js': 'console.log(1);\n',
        'gitfence.policy.ts': policySource(preset),
        '.gitignore': '*.log\n',
      });
      must(gitfence(repo, ['compile']));
      addUncommittedWork(repo);
      return repo;
    },
    gitfence,
    cleanup: () => sb.cleanup(),
  };
  return world;
}

export function addUncommittedWork(repo: string): void {
  writeFileSync(join(repo, 'README.md'), 'hello\nuncommitted edit by another agent\n');
  writeFileSync(join(repo, 'untracked.txt'), 'new file nobody committed\n');
  writeFileSync(join(repo, 'debug.log'), 'ignored file\n');
}

function walk(dir: string, root: string, out: string[]): void {
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    const rel = relative(root, path);
    if (rel === '.git') continue;
    const stat = lstatSync(path);
    if (stat.isDirectory()) walk(path, root, out);
    else if (stat.isSymbolicLink()) out.push(`${rel} -> ${readlinkSync(path)}`);
    else
      out.push(
        `${rel} ${stat.mode.toString(8)} ${createHash('sha256').update(readFileSync(path)).digest('hex')}`,
      );
  }
}

/** Everything a destructive command could change, as one comparable string. */
export function fingerprint(sb: Sandbox, repo: string): string {
  const files: string[] = [];
  walk(repo, repo, files);
  let index = 'no index';
  try {
    index = createHash('sha256')
      .update(readFileSync(join(repo, '.git', 'index')))
      .digest('hex');
  } catch {
    // no index yet
  }
  const refs = must(sb.git(repo, 'for-each-ref', '--format=%(refname) %(objectname)')).stdout;
  const head = readFileSync(join(repo, '.git', 'HEAD'), 'utf8');
  const stash = sb.git(repo, 'stash', 'list').stdout;
  return [...files, `index ${index}`, refs, `HEAD ${head}`, `stash ${stash}`].join('\n');
}

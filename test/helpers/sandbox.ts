/**
 * Throwaway worlds for end-to-end tests: a temp HOME, GIT_CONFIG_GLOBAL and GITFENCE_HOME, real git
 * repositories inside them, and the built CLI run as a real process. Never the developer's own.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { chmodSync, mkdtempSync, mkdirSync, rmSync, writeFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const PROJECT_ROOT = resolve(import.meta.dirname, '../..');
export const CLI = join(PROJECT_ROOT, 'bin/gitfence.js');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Sandbox {
  root: string;
  home: string;
  gitfenceHome: string;
  env: Record<string, string>;
  /** Run any program with the sandbox environment. */
  run(
    cmd: string,
    args: string[],
    options?: { cwd?: string; env?: Record<string, string | undefined>; input?: string },
  ): RunResult;
  /** Run real git (never a shim) with the sandbox environment. */
  git(cwd: string, ...args: string[]): RunResult;
  /** Run the built gitfence CLI as a process. */
  gitfence(
    cwd: string,
    args: string[],
    env?: Record<string, string | undefined>,
    input?: string,
  ): RunResult;
  /** A fresh repository with one commit (README.md), returned as its absolute path. */
  makeRepo(name?: string, files?: Record<string, string>): string;
  write(path: string, content: string): void;
  cleanup(): void;
}

export function createSandbox(): Sandbox {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'gitfence-test-')));
  const home = join(root, 'home');
  const gitfenceHome = join(root, 'gitfence-home');
  mkdirSync(home, { recursive: true });
  mkdirSync(gitfenceHome, { recursive: true });
  const globalConfig = join(home, '.gitconfig');
  writeFileSync(
    globalConfig,
    '[user]\n\tname = Test\n\temail = test@example.com\n[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n',
  );
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    GIT_CONFIG_GLOBAL: globalConfig,
    GIT_CONFIG_NOSYSTEM: '1',
    GITFENCE_HOME: gitfenceHome,
    NO_COLOR: '1',
    LANG: 'C.UTF-8',
    TMPDIR: process.env.TMPDIR ?? '/tmp',
  };

  const run: Sandbox['run'] = (cmd, args, options = {}) => {
    const merged: Record<string, string> = { ...env };
    for (const [key, value] of Object.entries(options.env ?? {})) {
      if (value === undefined) delete merged[key];
      else merged[key] = value;
    }
    const spawnOptions: SpawnSyncOptions = {
      cwd: options.cwd ?? root,
      env: merged,
      input: options.input ?? '',
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    };
    const result = spawnSync(cmd, args, spawnOptions);
    if (result.error) throw result.error;
    return {
      code: result.status ?? 1,
      stdout: String(result.stdout),
      stderr: String(result.stderr),
    };
  };

  const sandbox: Sandbox = {
    root,
    home,
    gitfenceHome,
    env,
    run,
    git: (cwd, ...args) => run('git', args, { cwd }),
    gitfence: (cwd, args, extraEnv, input) =>
      run(process.execPath, [CLI, ...args], { cwd, env: extraEnv, input }),
    makeRepo(name = 'repo', files = { 'README.md': 'hello\n' }) {
      const dir = join(root, name);
      mkdirSync(dir, { recursive: true });
      must(run('git', ['init', '-q', '-b', 'main', dir]));
      for (const [path, content] of Object.entries(files)) sandbox.write(join(dir, path), content);
      must(run('git', ['add', '-A'], { cwd: dir }));
      must(run('git', ['commit', '-q', '-m', 'initial'], { cwd: dir }));
      return dir;
    },
    write(path, content) {
      mkdirSync(resolve(path, '..'), { recursive: true });
      writeFileSync(path, content);
    },
    cleanup() {
      rmSync(root, { recursive: true, force: true });
    },
  };
  return sandbox;
}

/** Throw with the process output when a setup step fails. */
export function must(result: RunResult): RunResult {
  if (result.code !== 0) {
    throw new Error(`command failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

/**
 * A hooks folder whose pre-commit runs the built CLI's `hook pre-commit`, made `repo`'s
 * core.hooksPath: the commit check alone, without husky or `gitfence init`.
 */
export function installPreCommitHook(sb: Sandbox, repo: string): void {
  const hooks = join(sb.root, 'hooks');
  mkdirSync(hooks, { recursive: true });
  writeFileSync(
    join(hooks, 'pre-commit'),
    `#!/bin/sh\nexec "${process.execPath}" "${CLI}" hook pre-commit\n`,
  );
  chmodSync(join(hooks, 'pre-commit'), 0o755);
  must(sb.git(repo, 'config', 'core.hooksPath', hooks));
}

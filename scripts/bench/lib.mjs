// Setup the bench case modules share. Exports no `cases`, so scripts/bench.mjs runs nothing from it.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const root = new URL('../..', import.meta.url).pathname;
export const cli = join(root, 'bin/gitfence.js');

/**
 * A throwaway directory with its own HOME, global git config and GITFENCE_HOME, so a bench never
 * reads or writes the real ones.
 */
export function benchWorld(prefix) {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  const home = join(dir, 'home');
  mkdirSync(home);
  const globalConfig = join(home, '.gitconfig');
  writeFileSync(globalConfig, '[user]\n\tname = Bench\n\temail = bench@example.com\n');
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    GIT_CONFIG_GLOBAL: globalConfig,
    GIT_CONFIG_NOSYSTEM: '1',
    GITFENCE_HOME: join(dir, 'gitfence-home'),
    NO_COLOR: '1',
  };
  return { dir, env };
}

/** A `git` for one directory that throws on failure and returns the spawnSync result. */
export function gitIn(cwd, env, options = {}) {
  return (args, input) => {
    const r = spawnSync('git', args, { cwd, env, encoding: 'utf8', input, ...options });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
    return r;
  };
}

/** `dir/repo` with one committed README and the default policy compiled into it. */
export function benchRepo(prefix) {
  const { dir, env } = benchWorld(prefix);
  const repo = join(dir, 'repo');
  const git = gitIn(repo, env);
  mkdirSync(repo);
  git(['init', '-q', '-b', 'main']);
  writeFileSync(join(repo, 'README.md'), 'bench\n');
  git(['add', 'README.md']);
  git(['commit', '-q', '-m', 'initial']);
  // compile the default policy into the repository when the compiler is there
  spawnSync(process.execPath, [cli, 'compile'], { cwd: repo, env, encoding: 'utf8' });
  return { dir, repo, env };
}

export const removeWorld = (ctx) => ctx && rmSync(ctx.dir, { recursive: true, force: true });

/** Bare node start-up in the case's repository: the reference most process cases compare against. */
export const nodeBaseline = (ctx) => [
  process.execPath,
  ['-e', '0'],
  { cwd: ctx.repo, env: ctx.env },
];

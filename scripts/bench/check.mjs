// `gitfence check -- status` as a process against bare `node -e 0` (issue 2: at most 1.3x).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const cli = join(root, 'bin/gitfence.js');

function world() {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'gitfence-bench-')));
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
  const repo = join(dir, 'repo');
  const git = (...args) => {
    const r = spawnSync('git', args, { cwd: repo, env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  };
  mkdirSync(repo);
  git('init', '-q', '-b', 'main');
  writeFileSync(join(repo, 'README.md'), 'bench\n');
  git('add', 'README.md');
  git('commit', '-q', '-m', 'initial');
  // compile the default policy into the repository when the compiler is there
  spawnSync(process.execPath, [cli, 'compile'], { cwd: repo, env, encoding: 'utf8' });
  return { dir, repo, env };
}

/**
 * The same decision through a dedicated entry that loads only the check command's code (what the
 * build gives once `bin/gitfence.js` sends `check` to it; see the check command's runCheckProcess).
 */
async function dedicatedEntry() {
  const ctx = world();
  const { build } = await import('esbuild');
  const outdir = join(root, '.bench/fast-check');
  mkdirSync(outdir, { recursive: true });
  const entry = join(root, '.bench/fast-check-entry.mjs');
  writeFileSync(
    entry,
    "import { runCheckProcess } from '../src/cli/commands/check.ts';\n" +
      'process.exitCode = await runCheckProcess(process.argv.slice(2));\n',
  );
  await build({
    entryPoints: { check: entry },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  return { ...ctx, fast: join(outdir, 'check.js') };
}

export const cases = [
  {
    name: 'check -- status vs node -e 0',
    target: 1.3,
    setup: world,
    teardown: (ctx) => ctx && rmSync(ctx.dir, { recursive: true, force: true }),
    subject: (ctx) => [
      process.execPath,
      [cli, 'check', '--', 'status'],
      { cwd: ctx.repo, env: ctx.env },
    ],
    baseline: (ctx) => [process.execPath, ['-e', '0'], { cwd: ctx.repo, env: ctx.env }],
  },
  {
    name: 'check -- status (dedicated entry) vs node -e 0',
    target: 1.3,
    setup: dedicatedEntry,
    teardown: (ctx) => ctx && rmSync(ctx.dir, { recursive: true, force: true }),
    subject: (ctx) => [
      process.execPath,
      [ctx.fast, '--', 'status'],
      { cwd: ctx.repo, env: ctx.env },
    ],
    baseline: (ctx) => [process.execPath, ['-e', '0'], { cwd: ctx.repo, env: ctx.env }],
  },
];

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
];

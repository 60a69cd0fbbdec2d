// The git shim (issue 3, item 9), side by side:
// - the sh fast path (`git rev-parse HEAD`, `git log -1`; log is a guarded pass under path guards)
//   against the real git: at most 1.5x;
// - a denied call (`git reset --hard`, exit 42) against bare `node -e 0`: at most 1.3x.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const cli = join(root, 'bin/gitfence.js');

function must(result, what) {
  if (result.status !== 0)
    throw new Error(`${what}: exit ${result.status}\n${result.stdout}${result.stderr}`);
  return result;
}

async function world() {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'gitfence-bench-shim-')));
  const home = join(dir, 'home');
  mkdirSync(home);
  // GIT_CONFIG_GLOBAL set, as agent harnesses do: config files are not paths the guard checks
  const globalConfig = join(home, '.gitconfig');
  writeFileSync(globalConfig, '[user]\n\tname = Bench\n\temail = bench@example.com\n');
  const gitfenceHome = join(dir, 'gitfence-home');
  const base = {
    PATH: process.env.PATH,
    HOME: home,
    GIT_CONFIG_GLOBAL: globalConfig,
    GIT_CONFIG_NOSYSTEM: '1',
    GITFENCE_HOME: gitfenceHome,
    NO_COLOR: '1',
  };
  const repo = join(dir, 'repo');
  mkdirSync(repo);
  const git = (...args) =>
    must(spawnSync('git', args, { cwd: repo, env: base, encoding: 'utf8' }), `git ${args[0]}`);
  git('init', '-q', '-b', 'main');
  writeFileSync(join(repo, 'README.md'), 'bench\n');
  writeFileSync(
    join(repo, 'gitfence.policy.ts'),
    "import { definePolicy, presets } from 'gitfence';\nexport default definePolicy({ extends: [presets.opsGitSafety] });\n",
  );
  git('add', '-A');
  git('commit', '-q', '-m', 'initial');
  for (let i = 0; i < 20; i++) {
    writeFileSync(join(repo, 'history.txt'), `${i}\n`);
    git('add', 'history.txt');
    git('commit', '-q', '-m', `step ${i}`);
  }
  must(
    spawnSync(process.execPath, [cli, 'compile'], { cwd: repo, env: base, encoding: 'utf8' }),
    'gitfence compile',
  );
  must(
    spawnSync(process.execPath, [cli, 'shim', 'install'], {
      cwd: repo,
      env: base,
      encoding: 'utf8',
    }),
    'gitfence shim install',
  );
  writeFileSync(join(repo, 'README.md'), 'bench\nuncommitted work\n');
  const subdir = join(repo, 'src', 'deep');
  mkdirSync(subdir, { recursive: true });
  // the floor any sh-script shim pays: dash's own start, with nothing but `exec git`
  const bareWrapper = join(dir, 'bare-sh-wrapper');
  writeFileSync(bareWrapper, `#!/bin/sh\nexec ${realpathSync('/usr/bin/git')} "$@"\n`, {
    mode: 0o755,
  });
  // the floor of any wrapper process at all: a static C program that only execs git (when cc is here)
  const cWrapper = join(dir, 'static-c-wrapper');
  writeFileSync(
    `${cWrapper}.c`,
    `#include <unistd.h>\nint main(int c, char **v) { execv(${JSON.stringify(realpathSync('/usr/bin/git'))}, v); return 127; }\n`,
  );
  const compiled =
    spawnSync('cc', ['-O2', '-static', '-o', cWrapper, `${cWrapper}.c`]).status === 0;
  const shimDir = join(gitfenceHome, 'bin');
  const env = { ...base, PATH: `${shimDir}:${process.env.PATH}`, LLM_AGENT_NAME: 'bench-agent' };
  return {
    dir,
    repo,
    subdir,
    env,
    bareWrapper,
    cWrapper: compiled ? cWrapper : null,
    shim: join(shimDir, 'git'),
    realGit: realpathSync('/usr/bin/git'),
  };
}

/** The fast-path cases take a few ms a round: 40 rounds leave their medians ±0.1x from run to run. */
const FAST_ROUNDS = 300;

const teardown = (ctx) => ctx && rmSync(ctx.dir, { recursive: true, force: true });

export const cases = [
  {
    name: 'fast path: git rev-parse HEAD vs real git',
    target: 1.5,
    minRounds: FAST_ROUNDS,
    setup: world,
    teardown,
    subject: (ctx) => [ctx.shim, ['rev-parse', 'HEAD'], { cwd: ctx.repo, env: ctx.env }],
    baseline: (ctx) => [ctx.realGit, ['rev-parse', 'HEAD'], { cwd: ctx.repo, env: ctx.env }],
  },
  {
    name: 'fast path: git log -1 vs real git',
    target: 1.5,
    minRounds: FAST_ROUNDS,
    setup: world,
    teardown,
    subject: (ctx) => [ctx.shim, ['log', '-1'], { cwd: ctx.repo, env: ctx.env }],
    baseline: (ctx) => [ctx.realGit, ['log', '-1'], { cwd: ctx.repo, env: ctx.env }],
  },
  {
    // the shim walks up for the repository only when the call is not made from its top directory
    name: 'fast path from a subdirectory: git log -1 vs real git',
    target: 1.5,
    minRounds: FAST_ROUNDS,
    setup: world,
    teardown,
    subject: (ctx) => [ctx.shim, ['log', '-1'], { cwd: ctx.subdir, env: ctx.env }],
    baseline: (ctx) => [ctx.realGit, ['log', '-1'], { cwd: ctx.subdir, env: ctx.env }],
  },
  {
    // the floor for any sh shim on this machine (dash's start), to read the cases above by
    name: 'reference: bare #!/bin/sh exec-git wrapper, git rev-parse HEAD vs real git',
    target: null,
    minRounds: FAST_ROUNDS,
    setup: world,
    teardown,
    subject: (ctx) => [ctx.bareWrapper, ['rev-parse', 'HEAD'], { cwd: ctx.repo, env: ctx.env }],
    baseline: (ctx) => [ctx.realGit, ['rev-parse', 'HEAD'], { cwd: ctx.repo, env: ctx.env }],
  },
  {
    name: 'reference: bare #!/bin/sh exec-git wrapper, git log -1 vs real git',
    target: null,
    minRounds: FAST_ROUNDS,
    setup: world,
    teardown,
    subject: (ctx) => [ctx.bareWrapper, ['log', '-1'], { cwd: ctx.repo, env: ctx.env }],
    baseline: (ctx) => [ctx.realGit, ['log', '-1'], { cwd: ctx.repo, env: ctx.env }],
  },
  {
    // the floor for any wrapper process (one more exec); the bare sh wrapper when there is no cc
    name: 'reference: static C exec-git wrapper, git log -1 vs real git',
    target: null,
    minRounds: FAST_ROUNDS,
    setup: world,
    teardown,
    subject: (ctx) => [
      ctx.cWrapper ?? ctx.bareWrapper,
      ['log', '-1'],
      { cwd: ctx.repo, env: ctx.env },
    ],
    baseline: (ctx) => [ctx.realGit, ['log', '-1'], { cwd: ctx.repo, env: ctx.env }],
  },
  {
    name: 'denied: git reset --hard (exit 42) vs node -e 0',
    target: 1.3,
    setup: world,
    teardown,
    subject: (ctx) => [
      ctx.shim,
      ['reset', '--hard'],
      { cwd: ctx.repo, env: ctx.env, expectCode: 42 },
    ],
    baseline: (ctx) => [process.execPath, ['-e', '0'], { cwd: ctx.repo, env: ctx.env }],
  },
];

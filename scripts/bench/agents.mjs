// One agent-hook decision as a process (JSON in → JSON out) against bare `node -e 0` (issue 8: at
// most 1.2x). The hook loads the policy code only when the command holds a git call.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const cli = join(root, 'bin/gitfence.js');

function world() {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'gitfence-bench-agents-')));
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
  spawnSync(process.execPath, [cli, 'compile'], { cwd: repo, env, encoding: 'utf8' });
  return { dir, repo, env };
}

const toolCall = (repo, command) =>
  JSON.stringify({
    session_id: 'bench',
    transcript_path: '/dev/null',
    cwd: repo,
    hook_event_name: 'PreToolUse',
    tool_name: 'Bash',
    tool_input: { command, description: 'bench' },
  });

const hookCase = (name, command, expectCode, hook = 'claude-code') => ({
  name,
  target: 1.2,
  setup: world,
  teardown: (ctx) => ctx && rmSync(ctx.dir, { recursive: true, force: true }),
  subject: (ctx) => [
    process.execPath,
    [cli, 'hook', hook],
    {
      cwd: ctx.repo,
      env: ctx.env,
      input: toolCall(ctx.repo, command),
      stdio: ['pipe', 'pipe', 'pipe'],
      expectCode,
    },
  ],
  baseline: (ctx) => [process.execPath, ['-e', '0'], { cwd: ctx.repo, env: ctx.env }],
});

/** The dedicated entry the build is asked to emit as `dist/agent-hook.js` (src/agents/hook-main.ts). */
async function worldWithEntry() {
  const ctx = world();
  const { build } = await import('esbuild');
  const outdir = join(root, '.bench/agent-hook');
  await build({
    entryPoints: { 'agent-hook': join(root, 'src/agents/hook-main.ts') },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  return { ...ctx, entry: join(outdir, 'agent-hook.js') };
}

const entryCase = (name, command, expectCode) => ({
  name,
  target: 1.2,
  setup: worldWithEntry,
  teardown: (ctx) => ctx && rmSync(ctx.dir, { recursive: true, force: true }),
  subject: (ctx) => [
    process.execPath,
    [ctx.entry, 'claude-code'],
    {
      cwd: ctx.repo,
      env: ctx.env,
      input: toolCall(ctx.repo, command),
      stdio: ['pipe', 'pipe', 'pipe'],
      expectCode,
    },
  ],
  baseline: (ctx) => [process.execPath, ['-e', '0'], { cwd: ctx.repo, env: ctx.env }],
});

export const cases = [
  hookCase('hook claude-code: deny `git reset --hard` vs node -e 0', 'git reset --hard', 2),
  hookCase('hook claude-code: pass `npm test && ls` (no git) vs node -e 0', 'npm test && ls', 0),
  hookCase('hook claude-code: pass `git log --oneline` vs node -e 0', 'git log --oneline', 0),
  entryCase('agent-hook entry: deny `git reset --hard` vs node -e 0', 'git reset --hard', 2),
  entryCase('agent-hook entry: pass `npm test && ls` (no git) vs node -e 0', 'npm test && ls', 0),
  entryCase('agent-hook entry: pass `git log --oneline` vs node -e 0', 'git log --oneline', 0),
];

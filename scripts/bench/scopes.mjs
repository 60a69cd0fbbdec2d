// Lock scopes (issue 4):
//   acquire with 1,000 active leases vs acquire on an empty store, both as processes (at most 1.3x);
//   scoped `git status` through the shim vs bare `node -e 0` + raw `git status -- <scopes>` (1.2x).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchWorld, cli, removeWorld } from './lib.mjs';

function world() {
  const { dir, env } = benchWorld('gitfence-bench-scopes-');
  const makeRepo = (name, files = 0) => {
    const repo = join(dir, name);
    const run = (cmd, args) => {
      const r = spawnSync(cmd, args, { cwd: repo, env, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stdout}${r.stderr}`);
      return r;
    };
    mkdirSync(repo);
    run('git', ['init', '-q', '-b', 'main']);
    writeFileSync(join(repo, 'README.md'), 'bench\n');
    for (let i = 0; i < files; i++) {
      const area = ['a', 'b', 'c', 'd'][i % 4];
      mkdirSync(join(repo, 'src', area), { recursive: true });
      writeFileSync(join(repo, 'src', area, `f${i}.ts`), `export const v${i} = ${i};\n`);
    }
    run('git', ['add', '-A']);
    run('git', ['commit', '-q', '-m', 'initial']);
    run(process.execPath, [cli, 'compile']);
    return { repo, run };
  };
  return { dir, env, makeRepo };
}

/** A store holding `count` active leases of 50 agents, written directly (as the store writes it). */
function seedLeases(repo, count) {
  const dir = join(repo, '.git/gitfence/leases');
  mkdirSync(dir, { recursive: true });
  const now = Date.now();
  const leases = Array.from({ length: count }, (_, i) => ({
    id: `l-${i.toString(16).padStart(8, '0')}`,
    owner: `agent-${i % 50}`,
    patterns: i % 2 ? [`src/mod${i}/**`] : [`docs/${i}/*.md`, `test/mod${i}/**`],
    exclusive: true,
    reason: 'bench',
    token: i + 1,
    createdAt: now,
    expiresAt: now + 4 * 3_600_000,
  }));
  writeFileSync(
    join(dir, 'leases.json'),
    `${JSON.stringify({ format: 'gitfence/leases@1', generation: 1, nextToken: count + 1, leases, journal: [] })}\n`,
  );
}

// Each timed acquire takes a 1s lease, so the bench's own grants expire and are reclaimed as it runs.
const acquire = (repo, env) => [
  process.execPath,
  [cli, 'lock', 'acquire', 'src/new/**', '--ttl', '1s'],
  { cwd: repo, env: { ...env, LLM_AGENT_NAME: 'bench' } },
];

export const cases = [
  {
    name: 'lock acquire, 1000 active leases vs empty store',
    target: 1.3,
    setup() {
      const w = world();
      const full = w.makeRepo('full');
      const empty = w.makeRepo('empty');
      seedLeases(full.repo, 1000);
      return { ...w, full: full.repo, empty: empty.repo };
    },
    teardown: removeWorld,
    subject: (ctx) => acquire(ctx.full, ctx.env),
    baseline: (ctx) => acquire(ctx.empty, ctx.env),
  },
  {
    name: 'scoped git status via shim vs node -e 0 + git status -- <scopes>',
    target: 1.2,
    setup() {
      const w = world();
      const { repo, run } = w.makeRepo('repo', 400);
      for (const area of ['a', 'b', 'c'])
        writeFileSync(join(repo, 'src', area, 'f0.ts'), 'edited\n');
      run(process.execPath, [cli, 'shim', 'install']);
      run(process.execPath, [
        cli,
        'lock',
        'acquire',
        'src/a/**',
        '--ttl',
        '4h',
        '--agent',
        'bench',
      ]);
      const shimDir = join(w.env.GITFENCE_HOME, 'bin');
      const agentEnv = { ...w.env, PATH: `${shimDir}:${w.env.PATH}`, LLM_AGENT_NAME: 'bench' };
      delete agentEnv.GIT_CONFIG_GLOBAL;
      return { ...w, repo, agentEnv };
    },
    teardown: removeWorld,
    subject: (ctx) => ['git', ['status', '--porcelain'], { cwd: ctx.repo, env: ctx.agentEnv }],
    baseline: (ctx) => [
      [process.execPath, ['-e', '0'], { cwd: ctx.repo, env: ctx.env }],
      [
        'git',
        ['status', '--porcelain', '--', ':(top,glob)src/a/**'],
        { cwd: ctx.repo, env: ctx.env },
      ],
    ],
  },
];

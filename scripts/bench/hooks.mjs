// `gitfence hook pre-push` on a 100-commit push against `git log -p <range>` over the same commits
// (issue 7: at most 1.5x). The push is clean, so the hook does its whole job and exits 0.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { benchWorld, cli, gitIn, removeWorld } from './lib.mjs';

const COMMITS = 100;
const FILES = 40;
const LINES = 300;

/** Deterministic source-like text: a file of numbered statements, some rewritten per commit. */
function fileText(file, version) {
  const lines = [];
  for (let i = 0; i < LINES; i++) {
    const touched = version > 0 && (i * 7 + version * 13) % 10 === 0;
    lines.push(
      touched
        ? `  const value${i} = compute(${file}, ${i}, ${version}); // revised in ${version}`
        : `  const value${i} = compute(${file}, ${i}); // original line of module ${file}`,
    );
  }
  return `export function module${file}() {\n${lines.join('\n')}\n}\n`;
}

/** 100 commits, each rewriting ~10% of the lines of 4 of the 40 files, built with one fast-import. */
function history() {
  let stream = '';
  let mark = 1;
  const versions = new Array(FILES).fill(0);
  const blob = (text) => {
    stream += `blob\nmark :${mark}\ndata ${Buffer.byteLength(text)}\n${text}\n`;
    return mark++;
  };
  const commit = (message, changes, time) => {
    stream += `commit refs/heads/bench\ncommitter Bench <bench@example.com> ${time} +0000\n`;
    stream += `data ${Buffer.byteLength(message)}\n${message}\n`;
    for (const [path, id] of changes) stream += `M 100644 :${id} ${path}\n`;
    stream += '\n';
  };
  commit(
    'base',
    versions.map((_, f) => [`src/module${f}.js`, blob(fileText(f, 0))]),
    1_700_000_000,
  );
  for (let c = 1; c <= COMMITS; c++) {
    const changes = [];
    for (let k = 0; k < 4; k++) {
      const f = (c * 4 + k) % FILES;
      versions[f] += 1;
      changes.push([`src/module${f}.js`, blob(fileText(f, versions[f]))]);
    }
    commit(`change ${c}`, changes, 1_700_000_000 + c);
  }
  return stream;
}

function world() {
  const { dir, env } = benchWorld('gitfence-bench-hooks-');
  const repo = join(dir, 'repo');
  const remote = join(dir, 'remote.git');
  const git = (cwd, args, input) => gitIn(cwd, env)(args, input).stdout.trim();
  mkdirSync(repo);
  git(repo, ['init', '-q', '-b', 'main']);
  git(repo, ['fast-import', '--quiet'], history());
  const base = git(repo, ['rev-list', '--max-parents=0', 'bench']);
  const tip = git(repo, ['rev-parse', 'bench']);
  git(repo, ['branch', '-f', 'main', base]);
  git(repo, ['checkout', '-q', 'bench']);
  git(dir, ['init', '-q', '--bare', remote]);
  git(repo, ['remote', 'add', 'origin', remote]);
  // The remote has the base; origin/main is the remote-tracking ref that bounds the range.
  git(repo, ['push', '-q', 'origin', 'main']);
  const compiled = spawnSync(process.execPath, [cli, 'compile'], { cwd: repo, env });
  if (compiled.status !== 0) throw new Error(`gitfence compile: ${compiled.stderr}`);
  const input = `refs/heads/bench ${tip} refs/heads/bench ${'0'.repeat(40)}\n`;
  return { dir, repo, remote, env, base, tip, input };
}

const subject = (ctx) => [
  process.execPath,
  [cli, 'hook', 'pre-push', 'origin', ctx.remote],
  { cwd: ctx.repo, env: ctx.env, input: ctx.input, stdio: ['pipe', 'pipe', 'pipe'] },
];
const gitLog = (ctx) => [
  'git',
  ['log', '-p', `${ctx.base}..${ctx.tip}`],
  { cwd: ctx.repo, env: ctx.env, maxBuffer: 256 * 1024 * 1024 },
];

export const cases = [
  {
    name: `pre-push on a ${COMMITS}-commit push vs git log -p <range>`,
    target: 1.5,
    setup: world,
    teardown: removeWorld,
    subject,
    baseline: gitLog,
  },
  {
    // Informational: the same hook against git log -p plus the bare start of a node process, which
    // every node-based hook pays; what is left is gitfence's own cost.
    name: `pre-push on a ${COMMITS}-commit push vs node -e 0 + git log -p <range>`,
    target: 1.5,
    setup: world,
    teardown: removeWorld,
    subject,
    baseline: (ctx) => [
      [process.execPath, ['-e', '0'], { cwd: ctx.repo, env: ctx.env }],
      gitLog(ctx),
    ],
  },
];

// save-patch of a 20-file scope in a 10,000-file repository with 200 changed files, against
// `git diff --binary HEAD -- <scope>` plus `git ls-files --others --exclude-standard -- <scope>`
// (issue 5: at most 1.5x). The repository is generated in one `git fast-import` stream.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchWorld, cli, gitIn, nodeBaseline, removeWorld } from './lib.mjs';
const DIRS = 500;
const PER_DIR = 20;
const SCOPE_DIR = 'd0042';
const SCOPE = `${SCOPE_DIR}/**`;

const dirName = (d) => `d${String(d).padStart(4, '0')}`;
const content = (d, f) => `file ${d}/${f}\n${'lorem ipsum dolor sit amet '.repeat(8)}\n`;

// A compiled policy with the schema's defaults, sealed the way src/policy/canonical.ts seals it;
// only used when `gitfence compile` is not available.
function canonical(value) {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  return `{${Object.keys(value)
    .filter((k) => value[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
    .join(',')}}`;
}

function world() {
  const { dir, env } = benchWorld('gitfence-bench-patch-');
  const repo = join(dir, 'repo');
  const git = gitIn(repo, env, { maxBuffer: 1 << 28 });
  mkdirSync(repo);
  git(['init', '-q', '-b', 'main']);
  const chunks = ['commit refs/heads/main\ncommitter Bench <bench@example.com> 1700000000 +0000\n'];
  chunks.push('data 8\ngenerate\n');
  for (let d = 0; d < DIRS; d++) {
    for (let f = 0; f < PER_DIR; f++) {
      const data = Buffer.from(content(d, f));
      chunks.push(`M 100644 inline ${dirName(d)}/f${f}.txt\ndata ${data.length}\n${data}\n`);
    }
  }
  git(['fast-import', '--quiet'], chunks.join(''));
  git(['read-tree', '-u', '--reset', 'HEAD']);

  // 200 changed files: every file of ten directories, the scope's among them, with every kind of change
  const changedDirs = [SCOPE_DIR, ...Array.from({ length: 9 }, (_, i) => dirName(100 + i * 37))];
  for (const d of changedDirs) {
    for (let f = 0; f < PER_DIR; f++) {
      const file = join(repo, d, `f${f}.txt`);
      if (f === 0) unlinkSync(file);
      else if (f === 1)
        writeFileSync(join(repo, d, `new${f}.bin`), createHash('sha256').update(file).digest());
      else writeFileSync(file, `${content(d, f)}changed\n`);
    }
  }
  const compiled = spawnSync(process.execPath, [cli, 'compile'], { cwd: repo, env });
  if (compiled.status !== 0) {
    const document = {
      format: 'gitfence/compiled-policy@1',
      sourceHash: 'bench',
      layers: [{ layer: 'bench' }],
      defaultAction: 'allow',
      allow: [],
      rules: [],
      settings: { scopes: { saveAll: 'deny' } },
      checks: [],
    };
    document.integrity = `sha256:${createHash('sha256').update(canonical(document)).digest('hex')}`;
    mkdirSync(join(repo, '.git/gitfence'), { recursive: true });
    writeFileSync(join(repo, '.git/gitfence/policy.json'), JSON.stringify(document));
  }
  const out = join(dir, 'patches');
  return { dir, repo, env, out };
}

const baseline = (ctx) => [
  ['git', ['diff', '--binary', 'HEAD', '--', SCOPE], { cwd: ctx.repo, env: ctx.env }],
  [
    'git',
    ['ls-files', '--others', '--exclude-standard', '--', SCOPE],
    { cwd: ctx.repo, env: ctx.env },
  ],
];

// The three git calls save-patch makes (listing, private scope index, working-tree diff; HEAD and
// the repository are read from disk), as a sum of commands: what the approach costs over the
// baseline once node's start-up is set aside.
function gitWork(ctx) {
  const spec = `:(top,glob)${SCOPE}`;
  const work = join(ctx.dir, 'git-work');
  mkdirSync(work, { recursive: true });
  const env = {
    ...ctx.env,
    GIT_INDEX_FILE: join(work, 'index'),
    GIT_OBJECT_DIRECTORY: work,
    GIT_ALTERNATE_OBJECT_DIRECTORIES: join(ctx.repo, '.git/objects'),
    GIT_OPTIONAL_LOCKS: '0',
  };
  const listArgs = ['ls-files', '-z', '-v', '-s', '-c', '-m', '-d', '-o', '--exclude-standard'];
  const listing = spawnSync('git', [...listArgs, '--', spec], {
    cwd: ctx.repo,
    env: ctx.env,
    encoding: 'utf8',
  }).stdout;
  const records = listing.split('\0').filter(Boolean);
  const pathOf = (r) => (r[0] === '?' ? r.slice(2) : r.slice(r.indexOf('\t') + 1));
  const removed = new Set(records.filter((r) => r[0] === 'R').map(pathOf));
  const changed = [
    ...new Set(records.filter((r) => r[0] === 'C' || r[0] === '?').map(pathOf)),
  ].filter((p) => !removed.has(p));
  const entries = records
    .filter((r) => r[0] === 'H' && !removed.has(pathOf(r)) && !changed.includes(pathOf(r)))
    .map((r) => r.slice(2));
  // changed files as entries without stat data, so the diff reads them from the working tree
  const placeholders = changed.map((p) => `100644 ${'0'.repeat(39)}1 0\t${p}`);
  const opts = { cwd: ctx.repo, env, stdio: ['pipe', 'pipe', 'pipe'] };
  const privateIndex = ['-c', 'diff.autoRefreshIndex=false', '-c', 'core.fsmonitor=false'];
  return [
    [
      'git',
      [...listArgs, '--', spec],
      { cwd: ctx.repo, env: { ...ctx.env, GIT_OPTIONAL_LOCKS: '0' } },
    ],
    [
      'git',
      [...privateIndex, '-c', 'core.ignoreStat=false', 'update-index', '-z', '--index-info'],
      { ...opts, input: `${[...entries, ...placeholders].join('\0')}\0` },
    ],
    [
      'git',
      [
        ...privateIndex,
        'diff',
        '--binary',
        '-M',
        '--full-index',
        '--no-color',
        '--no-ext-diff',
        '--no-textconv',
        'HEAD',
        '--',
        spec,
      ],
      opts,
    ],
  ];
}

export const cases = [
  {
    name: 'save-patch --path (20-file scope, 10k files, 200 changed) vs git diff + ls-files',
    target: 1.5,
    setup: world,
    teardown: removeWorld,
    subject: (ctx) => [
      process.execPath,
      [cli, 'save-patch', '--path', SCOPE, '--out', ctx.out],
      { cwd: ctx.repo, env: { ...ctx.env, LLM_AGENT_NAME: 'bench' } },
    ],
    baseline,
  },
  {
    name: 'save-patch --path --stdout (same, no files written) vs git diff + ls-files',
    target: 1.5,
    setup: world,
    teardown: removeWorld,
    subject: (ctx) => [
      process.execPath,
      [cli, 'save-patch', '--path', SCOPE, '--stdout'],
      { cwd: ctx.repo, env: { ...ctx.env, LLM_AGENT_NAME: 'bench' } },
    ],
    baseline,
  },
  {
    // The raw-git baseline has no process of node's own; this one starts node once, as save-patch
    // must, so the ratio shows what save-patch costs beyond a bare node start-up.
    name: 'save-patch --path vs node -e 0 + git diff + ls-files',
    target: 1.5,
    setup: world,
    teardown: removeWorld,
    subject: (ctx) => [
      process.execPath,
      [cli, 'save-patch', '--path', SCOPE, '--out', ctx.out],
      { cwd: ctx.repo, env: { ...ctx.env, LLM_AGENT_NAME: 'bench' } },
    ],
    baseline: (ctx) => [nodeBaseline(ctx), ...baseline(ctx)],
  },
  {
    name: "save-patch's git work alone (no node start-up) vs git diff + ls-files",
    target: 1.5,
    setup: world,
    teardown: removeWorld,
    subject: gitWork,
    baseline,
  },
];

/**
 * save-patch and apply-patch end to end: the built CLI as a real process, real git in throwaway
 * repositories, hashes of the real index and working tree before and after.
 */
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ResolvedSettings } from '../../src/policy/schema.js';
import { integrityOf } from '../../src/policy/canonical.js';
import { statePaths } from '../../src/repo/state-paths.js';
import { createFileLeaseStore } from '../../src/scopes/file-store.js';
import {
  CLI,
  createSandbox,
  must,
  PROJECT_ROOT,
  type RunResult,
  type Sandbox,
} from '../helpers/sandbox.js';

let sb: Sandbox;

/** The built CLI (a stand-in bundle may be named by GITFENCE_PATCH_TEST_CLI while dist/ cannot build). */
const cliPath = process.env.GITFENCE_PATCH_TEST_CLI ?? CLI;
function gf(cwd: string, args: string[], env: Record<string, string | undefined> = {}): RunResult {
  return sb.run(process.execPath, [cliPath, ...args], { cwd, env });
}

/** Every entry under dir except .git: path, kind, mode and content (or link target). */
function hashTree(dir: string, under = ''): string {
  const hash = createHash('sha256');
  const walk = (rel: string) => {
    const abs = join(dir, rel);
    for (const name of readdirSync(abs).sort()) {
      const path = rel ? `${rel}/${name}` : name;
      if (path === '.git') continue;
      const stat = lstatSync(join(dir, path));
      if (stat.isSymbolicLink()) hash.update(`L ${path} -> ${readlinkSync(join(dir, path))}\n`);
      else if (stat.isDirectory()) walk(path);
      else {
        hash.update(`F ${path} ${(stat.mode & 0o111) !== 0 ? 'x' : '-'} `);
        hash.update(readFileSync(join(dir, path)));
        hash.update('\n');
      }
    }
  };
  walk(under);
  return hash.digest('hex');
}

const indexHash = (repo: string) =>
  createHash('sha256')
    .update(readFileSync(join(repo, '.git/index')))
    .digest('hex');

function writeCompiledPolicy(repo: string, scopes: Record<string, unknown> = {}): void {
  const settings = ResolvedSettings.parse({
    scopes,
    push: {},
    paths: {},
    writeLock: {},
    breakGlass: {},
    audit: {},
    shim: {},
  });
  const document: Record<string, unknown> = {
    format: 'gitfence/compiled-policy@1',
    sourceHash: 'test',
    layers: [{ layer: 'test' }],
    defaultAction: 'allow',
    allow: [],
    rules: [],
    settings,
    checks: [],
  };
  document.integrity = integrityOf(document);
  mkdirSync(join(repo, '.git/gitfence'), { recursive: true });
  writeFileSync(join(repo, '.git/gitfence/policy.json'), JSON.stringify(document));
}

const BINARY = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256));
const UNICODE = 'src/a/ünï cödé.txt';

/** A base with files in src/a, src/b and docs, committed. */
function makeBase(): string {
  const repo = sb.makeRepo('work', {
    'README.md': 'hello\n',
    'src/a/edit.txt': 'one\ntwo\nthree\n',
    'src/a/gone.txt': 'delete me\n',
    'src/a/old-name.txt': 'a file that will be renamed, long enough to be recognised as a rename\n',
    'src/a/run.sh': '#!/bin/sh\necho hi\n',
    'src/a/type.txt': 'becomes a symlink\n',
    'src/a/with space.txt': 'spaced\n',
    'src/b/other.txt': 'b\n',
    'docs/x': 'docs\n',
    '.gitignore': '*.log\n',
  });
  writeCompiledPolicy(repo);
  return repo;
}

/** Agent A's work: every change kind inside src/a, plus an edit outside it. */
function agentAEdits(repo: string): void {
  writeFileSync(join(repo, 'src/a/edit.txt'), 'one\nTWO\nthree\nfour\n');
  writeFileSync(join(repo, 'src/a/new.bin'), BINARY);
  writeFileSync(join(repo, 'src/a/new text.txt'), 'added with a space\n');
  writeFileSync(join(repo, UNICODE), 'unicode\n');
  mkdirSync(join(repo, 'src/a/deep/er'), { recursive: true });
  writeFileSync(join(repo, 'src/a/deep/er/file.txt'), 'nested\n');
  unlinkSync(join(repo, 'src/a/gone.txt'));
  must(sb.git(repo, 'mv', 'src/a/old-name.txt', 'src/a/new-name.txt'));
  chmodSync(join(repo, 'src/a/run.sh'), 0o755);
  symlinkSync('edit.txt', join(repo, 'src/a/link'));
  unlinkSync(join(repo, 'src/a/type.txt'));
  symlinkSync('edit.txt', join(repo, 'src/a/type.txt'));
  writeFileSync(join(repo, 'src/a/ignored.log'), 'ignored\n');
  writeFileSync(join(repo, 'docs/x'), 'docs edited by A\n');
  writeFileSync(join(repo, 'src/b/other.txt'), 'b edited\n');
}

function onlyPatch(dir: string): { patch: string; meta: string } {
  const names = readdirSync(dir);
  const patch = names.filter((n) => n.endsWith('.patch'));
  expect(patch).toHaveLength(1);
  return { patch: join(dir, patch[0]!), meta: join(dir, patch[0]!.replace(/\.patch$/, '.json')) };
}

function cloneAt(source: string, base: string, name: string): string {
  const dir = join(sb.root, name);
  must(sb.git(sb.root, 'clone', '-q', source, dir));
  must(sb.git(dir, 'checkout', '-q', '--detach', base));
  must(sb.git(dir, 'checkout', '-q', '-B', 'main'));
  writeCompiledPolicy(dir);
  return dir;
}

/** A lease through the lock-scope store, as `gitfence lock acquire` would write it. */
async function lease(repo: string, owner: string, patterns: string[], ttlMs = 30 * 60_000) {
  const store = createFileLeaseStore({ dir: statePaths(join(repo, '.git/gitfence')).leases });
  const result = await store.acquire({ owner, patterns, exclusive: true, reason: 'test', ttlMs });
  expect(result).toMatchObject({ granted: true });
}

beforeEach(() => {
  sb = createSandbox();
});
afterEach(() => {
  sb.cleanup();
});

describe('save-patch', () => {
  it('saves exactly the scope (every change kind) and leaves the index and working tree byte-identical', () => {
    const repo = makeBase();
    agentAEdits(repo);
    const before = { index: indexHash(repo), tree: hashTree(repo) };
    const statusBefore = must(sb.git(repo, 'status', '--porcelain=v2', '-z')).stdout;

    const result = gf(repo, ['save-patch', '--path', 'src/a/**'], { LLM_AGENT_NAME: 'A' });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('saved 10 files from src/a/** (agent A');
    expect(result.stdout).toContain('gitfence apply-patch');

    expect(indexHash(repo)).toBe(before.index);
    expect(hashTree(repo)).toBe(before.tree);
    expect(must(sb.git(repo, 'status', '--porcelain=v2', '-z')).stdout).toBe(statusBefore);
    expect(readdirSync(join(repo, '.git/gitfence/tmp'))).toEqual([]);

    const { patch, meta } = onlyPatch(join(repo, '.git/gitfence/patches/A'));
    expect(patch).toMatch(/\/\d{8}T\d{6}Z-src-a\.patch$/);
    const metadata = JSON.parse(readFileSync(meta, 'utf8'));
    const bytes = readFileSync(patch);
    expect(metadata).toMatchObject({
      format: 'gitfence/patch@1',
      agent: 'A',
      scopes: ['src/a/**'],
      all: false,
      base: must(sb.git(repo, 'rev-parse', 'HEAD')).stdout.trim(),
      branch: 'main',
      sha256: createHash('sha256').update(bytes).digest('hex'),
      bytes: bytes.length,
      gitfenceVersion: expect.any(String),
    });
    expect(Date.parse(metadata.created)).not.toBeNaN();
    const files = Object.fromEntries(
      metadata.files.map((f: { path: string; status: string; oldPath?: string }) => [
        f.path,
        f.oldPath ? `${f.status}<${f.oldPath}` : f.status,
      ]),
    );
    expect(files).toEqual({
      'src/a/deep/er/file.txt': 'A',
      'src/a/edit.txt': 'M',
      'src/a/gone.txt': 'D',
      'src/a/link': 'A',
      'src/a/new text.txt': 'A',
      'src/a/new-name.txt': 'R<src/a/old-name.txt',
      'src/a/new.bin': 'A',
      'src/a/run.sh': 'M',
      'src/a/type.txt': 'T',
      [UNICODE]: 'A',
    });
    const text = bytes.toString('latin1');
    expect(text).toContain('GIT binary patch');
    expect(text).toContain('old mode 100644\nnew mode 100755');
    expect(text).not.toContain('docs/x');
    expect(text).not.toContain('src/b/');
    expect(text).not.toContain('ignored.log');
  });

  it("with no --path, saves the agent's own lease (src/a/**): exactly the src/a changes, index byte-identical", async () => {
    const repo = makeBase();
    agentAEdits(repo);
    await lease(repo, 'A', ['src/a/**']);
    await lease(repo, 'B', ['src/b/**']);
    const index = readFileSync(join(repo, '.git/index'));
    const tree = hashTree(repo);
    const result = gf(repo, ['save-patch', '--json'], { LLM_AGENT_NAME: 'A' });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const saved = JSON.parse(result.stdout);
    expect(saved.metadata.scopes).toEqual(['src/a/**']);
    const paths: string[] = saved.metadata.files.flatMap(
      (f: { path: string; oldPath?: string }) => [f.path, f.oldPath ?? f.path],
    );
    expect(paths.length).toBeGreaterThan(0);
    expect(paths.every((p) => p.startsWith('src/a/'))).toBe(true);
    expect(saved.metadata.files).toHaveLength(10);
    expect(readFileSync(join(repo, '.git/index')).equals(index)).toBe(true);
    expect(hashTree(repo)).toBe(tree);

    // B's lease is B's: A saving with --path into it is warned about
    const into = gf(repo, ['save-patch', '--path', 'src/b/**', '--stdout'], {
      LLM_AGENT_NAME: 'A',
    });
    expect(into.code).toBe(0);
    expect(into.stderr).toContain('gitfence/save-patch-others-lease');
  });

  it('an expired lease is no scope', async () => {
    const repo = makeBase();
    agentAEdits(repo);
    await lease(repo, 'A', ['src/a/**'], 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const result = gf(repo, ['save-patch'], { LLM_AGENT_NAME: 'A' });
    expect(result.code).toBe(42);
    expect(result.stderr).toContain('holds no active lock scope');
  });

  it('works while .git is write-locked (only the state dir writable), as an unprivileged user', () => {
    const repo = makeBase();
    agentAEdits(repo);
    mkdirSync(join(repo, '.git/gitfence/patches'), { recursive: true });
    writeFileSync(sb.env.GIT_CONFIG_GLOBAL!, '[safe]\n\tdirectory = *\n', { flag: 'a' });
    must(sb.run('chmod', ['-R', 'a+rX', sb.root]));
    must(sb.run('chmod', ['-R', 'a-w', join(repo, '.git')]));
    must(sb.run('chmod', ['-R', 'a+w', join(repo, '.git/gitfence')]));
    const before = [indexHash(repo), hashTree(repo)];
    const result = sb.run(
      'setpriv',
      [
        '--reuid=65534',
        '--regid=65534',
        '--clear-groups',
        process.execPath,
        cliPath,
        'save-patch',
        '--path',
        'src/a/**',
        '--json',
      ],
      { cwd: repo, env: { LLM_AGENT_NAME: 'A' } },
    );
    must(sb.run('chmod', ['-R', 'u+w', join(repo, '.git')]));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).metadata.files).toHaveLength(10);
    expect([indexHash(repo), hashTree(repo)]).toEqual(before);
  });

  it('concurrent saves never overwrite each other, and stale temp dirs of killed runs are swept', async () => {
    const repo = makeBase();
    agentAEdits(repo);
    const stale = join(repo, '.git/gitfence/tmp/gitfence-patch-killed');
    mkdirSync(join(stale, 'objects'), { recursive: true });
    const old = new Date(Date.now() - 7 * 3600_000);
    utimesSync(stale, old, old);
    const { spawn } = await import('node:child_process');
    const runs = await Promise.all(
      Array.from(
        { length: 4 },
        () =>
          new Promise<number>((resolve) => {
            const child = spawn(process.execPath, [cliPath, 'save-patch', '--path', 'src/a/**'], {
              cwd: repo,
              env: { ...sb.env, LLM_AGENT_NAME: 'A' },
              stdio: 'ignore',
            });
            child.on('close', (code) => resolve(code ?? 1));
          }),
      ),
    );
    expect(runs).toEqual([0, 0, 0, 0]);
    const dir = join(repo, '.git/gitfence/patches/A');
    const patches = readdirSync(dir).filter((n) => n.endsWith('.patch'));
    expect(patches).toHaveLength(4);
    const digests = new Set<string>();
    for (const name of patches) {
      const meta = JSON.parse(readFileSync(join(dir, name.replace(/\.patch$/, '.json')), 'utf8'));
      expect(meta.patch).toBe(name);
      expect(meta.sha256).toBe(
        createHash('sha256')
          .update(readFileSync(join(dir, name)))
          .digest('hex'),
      );
      digests.add(meta.sha256);
    }
    expect(digests.size).toBe(1);
    expect(existsSync(stale)).toBe(false);
    expect(readdirSync(join(repo, '.git/gitfence/tmp'))).toEqual([]);
  });

  it('the save-patch bin is the same command', () => {
    const repo = makeBase();
    agentAEdits(repo);
    const result = sb.run(
      process.execPath,
      [join(PROJECT_ROOT, 'bin/save-patch.js'), '--path', 'docs/**', '--json'],
      {
        cwd: repo,
        env: { LLM_AGENT_NAME: 'A' },
      },
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).metadata.files).toEqual([{ path: 'docs/x', status: 'M' }]);
  });

  it('the patch follows the working tree, whatever is staged', () => {
    const repo = makeBase();
    writeFileSync(join(repo, 'src/a/edit.txt'), 'staged\n');
    writeFileSync(join(repo, 'src/a/staged-then-removed.txt'), 'x\n');
    must(sb.git(repo, 'add', 'src/a'));
    writeFileSync(join(repo, 'src/a/edit.txt'), 'working tree\n');
    unlinkSync(join(repo, 'src/a/staged-then-removed.txt'));
    const result = gf(repo, ['save-patch', '--path', 'src/a', '--json'], { LLM_AGENT_NAME: 'A' });
    expect(result.code).toBe(0);
    const saved = JSON.parse(result.stdout);
    expect(saved.metadata.files).toEqual([{ path: 'src/a/edit.txt', status: 'M' }]);
    const patch = readFileSync(saved.patch, 'utf8');
    expect(patch).toContain('+working tree');
    expect(patch).not.toContain('staged');
  });

  it('a wildcard scope keeps to what the glob matches', () => {
    const repo = makeBase();
    writeFileSync(join(repo, 'src/a/one.ts'), 'ts\n');
    mkdirSync(join(repo, 'src/a/sub'));
    writeFileSync(join(repo, 'src/a/sub/two.ts'), 'deeper\n');
    writeFileSync(join(repo, 'src/a/edit.txt'), 'not a .ts file\n');
    const result = gf(repo, ['save-patch', '--path', 'src/a/*.ts', '--json'], {
      LLM_AGENT_NAME: 'A',
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).metadata.files).toEqual([
      { path: 'src/a/one.ts', status: 'A' },
    ]);
  });

  it('says "nothing to save" and writes no file when the scope has no changes', () => {
    const repo = makeBase();
    writeFileSync(join(repo, 'docs/x'), 'outside\n');
    const result = gf(repo, ['save-patch', '--path', 'src/a/**'], { LLM_AGENT_NAME: 'A' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('nothing to save');
    expect(existsSync(join(repo, '.git/gitfence/patches'))).toBe(false);
  });

  it('a glob that matches nothing at all is not an error', () => {
    const repo = makeBase();
    const result = gf(repo, ['save-patch', '--path', 'nowhere/**'], { LLM_AGENT_NAME: 'A' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('nothing to save');
  });

  it('denies 42 without an agent lease or --path, and explains what to do', () => {
    const repo = makeBase();
    agentAEdits(repo);
    const agent = gf(repo, ['save-patch'], { LLM_AGENT_NAME: 'A' });
    expect(agent.code).toBe(42);
    expect(agent.stderr).toContain('gitfence/save-patch-no-scope');
    expect(agent.stderr).toContain('gitfence lock acquire');
    const nobody = gf(repo, ['save-patch']);
    expect(nobody.code).toBe(42);
    expect(nobody.stderr).toContain('--path GLOB');
    expect(existsSync(join(repo, '.git/gitfence/patches'))).toBe(false);
  });

  it('--all: denied to agents by default, allowed to the orchestrator, allowed to agents when the policy says so', () => {
    const repo = makeBase();
    agentAEdits(repo);
    const denied = gf(repo, ['save-patch', '--all'], { LLM_AGENT_NAME: 'A' });
    expect(denied.code).toBe(42);
    expect(denied.stderr).toContain('gitfence/save-all');
    expect(denied.stderr).toContain('scopes.saveAll');

    const orchestrator = gf(repo, ['save-patch', '--all', '--json']);
    expect(orchestrator.code).toBe(0);
    const saved = JSON.parse(orchestrator.stdout);
    expect(saved.metadata.agent).toBeNull();
    expect(saved.metadata.all).toBe(true);
    expect(saved.patch).toContain('/patches/_orchestrator/');
    const paths = saved.metadata.files.map((f: { path: string }) => f.path);
    expect(paths).toContain('docs/x');
    expect(paths).toContain('src/b/other.txt');

    writeCompiledPolicy(repo, { saveAll: 'allow' });
    expect(gf(repo, ['save-patch', '--all'], { LLM_AGENT_NAME: 'A' }).code).toBe(0);
  });

  it('a corrupt compiled policy fails closed', () => {
    const repo = makeBase();
    agentAEdits(repo);
    writeFileSync(
      join(repo, '.git/gitfence/policy.json'),
      '{"format":"gitfence/compiled-policy@1"',
    );
    const result = gf(repo, ['save-patch', '--path', 'src/a/**'], { LLM_AGENT_NAME: 'A' });
    expect(result.code).toBe(42);
    expect(result.stderr).toContain('compiled policy');
  });

  it('an agent cannot save under another name; bad globs are usage errors', () => {
    const repo = makeBase();
    const other = gf(repo, ['save-patch', '--path', 'src/a/**', '--agent', 'B'], {
      LLM_AGENT_NAME: 'A',
    });
    expect(other.code).toBe(42);
    expect(other.stderr).toContain("another agent's name");
    for (const glob of ['../x/**', '/etc/**', ':(top)x', '!src/a/**']) {
      const bad = gf(repo, ['save-patch', '--path', glob], { LLM_AGENT_NAME: 'A' });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('--path #1');
    }
    expect(gf(repo, ['save-patch', '--bogus']).code).toBe(2);
  });

  it('--stdout writes only the patch; --out DIR writes patch and metadata there', () => {
    const repo = makeBase();
    agentAEdits(repo);
    const out = gf(repo, ['save-patch', '--path', 'src/a/**', '--stdout'], { LLM_AGENT_NAME: 'A' });
    expect(out.code).toBe(0);
    expect(out.stdout.startsWith('diff --git ')).toBe(true);
    expect(out.stderr).toContain('to stdout');
    expect(existsSync(join(repo, '.git/gitfence/patches'))).toBe(false);

    const dir = join(sb.root, 'handoff');
    const saved = gf(repo, ['save-patch', '--path', 'src/a/**', '--out', dir, '-m', 'feature a'], {
      LLM_AGENT_NAME: 'A',
    });
    expect(saved.code).toBe(0);
    const { meta } = onlyPatch(dir);
    expect(JSON.parse(readFileSync(meta, 'utf8')).message).toBe('feature a');
  });
});

describe('apply-patch', () => {
  function savedPatchOfA(): { repo: string; base: string; patch: string; meta: string } {
    const repo = makeBase();
    const base = must(sb.git(repo, 'rev-parse', 'HEAD')).stdout.trim();
    agentAEdits(repo);
    must(gf(repo, ['save-patch', '--path', 'src/a/**'], { LLM_AGENT_NAME: 'A' }));
    return { repo, base, ...onlyPatch(join(repo, '.git/gitfence/patches/A')) };
  }

  it('round trip: a fresh clone at the base reproduces src/a exactly with --commit and touches nothing else', () => {
    const { repo, base, patch } = savedPatchOfA();
    const clone = cloneAt(repo, base, 'orchestrator');
    const outsideBefore = [
      hashTree(clone, 'docs'),
      hashTree(clone, 'src/b'),
      readFileSync(join(clone, 'README.md')),
    ];

    const check = gf(clone, ['apply-patch', patch, '--check']);
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('would apply 10 files');
    expect(must(sb.git(clone, 'status', '--porcelain')).stdout).toBe('');

    const applied = gf(clone, ['apply-patch', patch, '--commit']);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('committed as');

    // the agent's ignored file is not part of its work, so it is left out of the comparison
    expect(hashTree(clone, 'src/a')).toBe(hashTreeWithout(repo, 'src/a', ['src/a/ignored.log']));
    expect([
      hashTree(clone, 'docs'),
      hashTree(clone, 'src/b'),
      readFileSync(join(clone, 'README.md')),
    ]).toEqual(outsideBefore);
    expect(must(sb.git(clone, 'status', '--porcelain', '--untracked-files=all')).stdout).toBe('');
    const message = must(sb.git(clone, 'log', '-1', '--format=%B')).stdout;
    expect(message).toContain("Apply A's patch: src/a/**");
    expect(message).toContain(`Gitfence-Base: ${base}`);
    expect(message).toContain('Gitfence-Agent: A');
    expect(message).toContain('Gitfence-Scopes: src/a/**');
    const changed = must(sb.git(clone, 'diff', '--name-only', 'HEAD~1', 'HEAD'))
      .stdout.trim()
      .split('\n');
    expect(changed.every((p) => p.startsWith('src/a/') || p.startsWith('"src/a/'))).toBe(true);
  });

  it('two agents hand in patches; the orchestrator applies them in turn', () => {
    const repo = makeBase();
    const base = must(sb.git(repo, 'rev-parse', 'HEAD')).stdout.trim();
    writeFileSync(join(repo, 'src/a/edit.txt'), 'A was here\n');
    writeFileSync(join(repo, 'src/b/other.txt'), 'B was here\n');
    writeFileSync(join(repo, 'src/b/more.txt'), 'B added\n');
    must(gf(repo, ['save-patch', '--path', 'src/a/**'], { LLM_AGENT_NAME: 'A' }));
    must(gf(repo, ['save-patch', '--path', 'src/b/**'], { LLM_AGENT_NAME: 'B' }));
    const a = onlyPatch(join(repo, '.git/gitfence/patches/A')).patch;
    const b = onlyPatch(join(repo, '.git/gitfence/patches/B')).patch;

    const clone = cloneAt(repo, base, 'orchestrator');
    expect(gf(clone, ['apply-patch', a, '--commit']).code).toBe(0);
    const second = gf(clone, ['apply-patch', b, '--commit']);
    expect(second.code).toBe(0);
    expect(readFileSync(join(clone, 'src/a/edit.txt'), 'utf8')).toBe('A was here\n');
    expect(readFileSync(join(clone, 'src/b/other.txt'), 'utf8')).toBe('B was here\n');
    expect(readFileSync(join(clone, 'src/b/more.txt'), 'utf8')).toBe('B added\n');
    const log = must(sb.git(clone, 'log', '--format=%s', `${base}..HEAD`)).stdout;
    expect(log).toBe("Apply B's patch: src/b/**\nApply A's patch: src/a/**\n");
  });

  it('refuses a patch edited by hand (42, sha256), one with out-of-scope files (42), a malformed one (2), one without metadata (42)', () => {
    const { repo, base, patch, meta } = savedPatchOfA();
    const clone = cloneAt(repo, base, 'orchestrator');
    const state = () => [indexHash(clone), hashTree(clone)];
    const before = state();
    const original = readFileSync(patch, 'latin1');

    writeFileSync(patch, original.replace('+TWO', '+T0O'), 'latin1');
    const edited = gf(clone, ['apply-patch', patch]);
    expect(edited.code).toBe(42);
    expect(edited.stderr).toContain('patch refused');
    expect(edited.stderr).toContain('sha256');

    // Re-sign the metadata too: the scope check still catches a file outside the declared scopes.
    const outside = original.replace(
      /diff --git a\/src\/a\/edit\.txt b\/src\/a\/edit\.txt\nindex [0-9a-f]+\.\.[0-9a-f]+ 100644\n--- a\/src\/a\/edit\.txt\n\+\+\+ b\/src\/a\/edit\.txt/,
      (m) => m.replaceAll('src/a/edit.txt', 'docs/x'),
    );
    expect(outside).not.toBe(original);
    const metadata = JSON.parse(readFileSync(meta, 'utf8'));
    const resign = (text: string, files = metadata.files) => {
      writeFileSync(patch, text, 'latin1');
      const bytes = Buffer.from(text, 'latin1');
      writeFileSync(
        meta,
        JSON.stringify({
          ...metadata,
          files,
          bytes: bytes.length,
          sha256: createHash('sha256').update(bytes).digest('hex'),
        }),
      );
    };
    resign(outside);
    const mismatch = gf(clone, ['apply-patch', patch]);
    expect(mismatch.code).toBe(42);
    expect(mismatch.stderr).toContain('differ from the files its metadata declares');
    resign(
      outside,
      metadata.files.map((f: { path: string }) =>
        f.path === 'src/a/edit.txt' ? { ...f, path: 'docs/x' } : f,
      ),
    );
    const scope = gf(clone, ['apply-patch', patch]);
    expect(scope.code).toBe(42);
    expect(scope.stderr).toContain('"docs/x" is outside the patch\'s declared scopes');

    resign(original.replace('+four\n', '+four\n+five\n'));
    const malformed = gf(clone, ['apply-patch', patch]);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('malformed patch');

    resign(original);
    rmSync(meta);
    const missing = gf(clone, ['apply-patch', patch]);
    expect(missing.code).toBe(42);
    expect(missing.stderr).toContain('metadata is missing');

    expect(state()).toEqual(before);
    expect(gf(clone, ['apply-patch']).code).toBe(2);
  });

  it('3-way: applies when the base moved without conflict; refuses a conflict file by file and changes nothing', () => {
    const { repo, base, patch } = savedPatchOfA();
    const clone = cloneAt(repo, base, 'orchestrator');
    // the base moves: a compatible edit to a file the patch changes
    writeFileSync(join(clone, 'src/a/edit.txt'), 'zero\none\ntwo\nthree\n');
    must(sb.git(clone, 'commit', '-qam', 'moved on'));
    const ok = gf(clone, ['apply-patch', patch, '--commit']);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('3-way');
    expect(readFileSync(join(clone, 'src/a/edit.txt'), 'utf8')).toBe(
      'zero\none\nTWO\nthree\nfour\n',
    );

    const clash = cloneAt(repo, base, 'clash');
    writeFileSync(join(clash, 'src/a/edit.txt'), 'one\nDOS\nthree\n');
    must(sb.git(clash, 'commit', '-qam', 'conflicting'));
    writeFileSync(join(clash, 'docs/x'), 'orchestrator work in progress\n');
    const before = [indexHash(clash), hashTree(clash)];
    const refused = gf(clash, ['apply-patch', patch, '--commit']);
    expect(refused.code).toBe(42);
    expect(refused.stderr).toContain('refused, nothing was changed');
    expect(refused.stderr).toContain('src/a/edit.txt: conflicts in a 3-way merge');
    expect([indexHash(clash), hashTree(clash)]).toEqual(before);
  });

  it('refuses to overwrite uncommitted work at a patched path', () => {
    const { repo, base, patch } = savedPatchOfA();
    const clone = cloneAt(repo, base, 'orchestrator');
    writeFileSync(join(clone, 'src/a/edit.txt'), 'one\ntwo\nthree\nlocal edit\n');
    const before = [indexHash(clone), hashTree(clone)];
    const refused = gf(clone, ['apply-patch', patch]);
    expect(refused.code).toBe(42);
    expect(refused.stderr).toContain('src/a/edit.txt');
    expect([indexHash(clone), hashTree(clone)]).toEqual(before);

    // a patched file deleted here: `git apply --check --index` would quietly check it out again
    must(sb.git(clone, 'checkout', '--', 'src/a/edit.txt'));
    unlinkSync(join(clone, 'src/a/run.sh'));
    const missing = [indexHash(clone), hashTree(clone)];
    const check = gf(clone, ['apply-patch', patch, '--check']);
    expect(check.code).toBe(42);
    expect(check.stderr).toContain('src/a/run.sh: has uncommitted changes');
    expect([indexHash(clone), hashTree(clone)]).toEqual(missing);
    expect(existsSync(join(clone, 'src/a/run.sh'))).toBe(false);
  });

  it('in the shared working tree (changes already there) it stages and commits only the patch', () => {
    const { repo, patch } = savedPatchOfA();
    must(sb.git(repo, 'add', 'src/b/other.txt'));
    const applied = gf(repo, ['apply-patch', patch, '--commit']);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('already in this working tree');
    const committed = must(sb.git(repo, 'show', '--name-only', '--format=', 'HEAD')).stdout;
    expect(committed).not.toContain('docs/x');
    expect(committed).not.toContain('src/b');
    const status = must(sb.git(repo, 'status', '--porcelain')).stdout;
    expect(status).toContain(' M docs/x');
    expect(status).toContain('M  src/b/other.txt');
    expect(status).not.toContain('src/a/');
  });

  it('works with the .git write-lock: save while locked, apply --commit inside the unlock-for-push window', () => {
    const repo = makeBase();
    agentAEdits(repo);
    const writeLock = (...args: string[]) =>
      sb.run(process.execPath, [join(PROJECT_ROOT, 'bin/git-write-lock.js'), ...args], {
        cwd: repo,
      });
    must(writeLock('lock'));
    try {
      const mode = must(writeLock('status')).stdout.trim();
      const saved = gf(repo, ['save-patch', '--json'].concat(['--path', 'src/a/**']), {
        LLM_AGENT_NAME: 'A',
      });
      expect(saved.stderr).toBe('');
      expect(saved.code).toBe(0);
      const patch = JSON.parse(saved.stdout).patch as string;
      const before = [indexHash(repo), hashTree(repo)];
      if (mode === 'locked (immutable)') {
        // root ignores chmod, so only the immutable lock really stops a write here
        const locked = gf(repo, ['apply-patch', patch, '--commit']);
        expect(locked.code).toBe(1);
        expect(locked.stderr).toContain('cannot write to .git, so nothing was applied');
        expect(locked.stderr).toContain('unlock-for-push');
        expect([indexHash(repo), hashTree(repo)]).toEqual(before);
      }
      must(writeLock('unlock-for-push', '--holder', 'orchestrator', '--ttl', '120'));
      const applied = gf(repo, ['apply-patch', patch, '--commit']);
      expect(applied.stderr).toBe('');
      expect(applied.code).toBe(0);
      must(writeLock('relock', '--holder', 'orchestrator'));
      expect(must(sb.git(repo, 'log', '-1', '--format=%s')).stdout).toBe(
        "Apply A's patch: src/a/**\n",
      );
      expect(must(sb.git(repo, 'status', '--porcelain')).stdout).not.toContain('src/a/');
    } finally {
      writeLock('unlock');
    }
  });

  it('a commit a hook rejects is rolled back to the exact prior state', () => {
    const { repo, base, patch } = savedPatchOfA();
    const clone = cloneAt(repo, base, 'orchestrator');
    writeFileSync(
      join(clone, '.git/hooks/pre-commit'),
      '#!/bin/sh\necho "hook says no" >&2\nexit 1\n',
      { mode: 0o755 },
    );
    const before = [
      indexHash(clone),
      hashTree(clone),
      must(sb.git(clone, 'rev-parse', 'HEAD')).stdout,
    ];
    const result = gf(clone, ['apply-patch', patch, '--commit']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('hook says no');
    expect(result.stderr).toContain('rolled back');
    expect([hashTree(clone), must(sb.git(clone, 'rev-parse', 'HEAD')).stdout]).toEqual(
      before.slice(1),
    );
    expect(must(sb.git(clone, 'status', '--porcelain', '--untracked-files=all')).stdout).toBe('');
  });
});

function hashTreeWithout(dir: string, under: string, skip: string[]): string {
  const saved = skip.map((p) => [p, readFileSync(join(dir, p))] as const);
  for (const [p] of saved) rmSync(join(dir, p));
  try {
    return hashTree(dir, under);
  } finally {
    for (const [p, data] of saved) writeFileSync(join(dir, p), data);
  }
}

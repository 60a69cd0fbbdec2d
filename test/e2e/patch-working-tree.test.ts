/**
 * save-patch's working-tree diff against what git itself would record: the scope staged with
 * `git add -A` in a copy of the repository, then `git diff --cached`. Also: the routes for large
 * scopes, index-held entries and submodules, that nothing is written into the real `.git`, and
 * that the hot entry keeps zod and any glob library unloaded.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, createSandbox, must, PROJECT_ROOT, type Sandbox } from '../helpers/sandbox.js';

let sb: Sandbox;
beforeEach(() => {
  sb = createSandbox();
});
afterEach(() => sb.cleanup());

/** save-patch --stdout as agent A; the patch bytes are read as latin1 so every byte compares. */
function savedPatch(repo: string, scope: string, env: Record<string, string> = {}): string {
  const result = sb.run(
    process.execPath,
    ['-e', SPAWN_LATIN1, process.execPath, CLI, 'save-patch', '--path', scope, '--stdout'],
    { cwd: repo, env: { LLM_AGENT_NAME: 'A', ...env } },
  );
  expect(result.stderr).toContain('save-patch: wrote');
  expect(result.code).toBe(0);
  return result.stdout;
}

/** Runs argv[1] with argv[2..] and copies its stdout as latin1 text, so binary patches compare as text. */
const SPAWN_LATIN1 = `
const r = require('node:child_process').spawnSync(process.argv[1], process.argv.slice(2), { stdio: ['ignore', 'pipe', 'inherit'] });
process.stdout.write(r.stdout.toString('latin1'));
process.exitCode = r.status;
`;

/** What git would commit for the scope: `git add -A` in a copy, then the same diff save-patch makes. */
function gitsOwnPatch(repo: string, scope: string): string {
  const copy = join(sb.root, `copy-${Math.random().toString(36).slice(2)}`);
  cpSync(repo, copy, { recursive: true, verbatimSymlinks: true });
  must(sb.git(copy, 'add', '-A', '--', `:(glob)${scope}`));
  const diff = sb.run(
    process.execPath,
    [
      '-e',
      SPAWN_LATIN1,
      'git',
      '-c',
      'core.quotePath=true',
      'diff',
      '--cached',
      '--binary',
      '-M',
      '--full-index',
      '--no-color',
      'HEAD',
      '--',
      `:(glob)${scope}`,
    ],
    { cwd: copy },
  );
  expect(diff.code).toBe(0);
  return diff.stdout;
}

/** Every file under `.git`, but gitfence's own state: nothing else may appear or change. */
function gitDirListing(repo: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of readdirSync(join(repo, '.git', rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (path === 'gitfence') continue;
      if (entry.isDirectory()) walk(path);
      else out.push(`${path} ${readFileSync(join(repo, '.git', path)).toString('base64')}`);
    }
  };
  walk('');
  return out.sort();
}

function manyFiles(count: number): Record<string, string> {
  const files: Record<string, string> = { 'README.md': 'hello\n', 'docs/x': 'docs\n' };
  for (let i = 0; i < count; i++)
    files[`src/m/f${i}.txt`] = `file ${i}\n${'text '.repeat(i % 7)}\n`;
  return files;
}

/** Modified, deleted, untracked, staged, staged-then-edited and renamed-by-mv files in src/m. */
function editScope(repo: string): void {
  const long = 'a line long enough to keep its identity\n'.repeat(4);
  writeFileSync(join(repo, 'src/m/f5.txt'), long);
  must(sb.git(repo, 'commit', '-qm', 'f5 grows', '--', 'src/m/f5.txt'));
  renameSync(join(repo, 'src/m/f5.txt'), join(repo, 'src/m/moved.txt'));
  writeFileSync(join(repo, 'src/m/f1.txt'), 'changed\n');
  unlinkSync(join(repo, 'src/m/f2.txt'));
  writeFileSync(join(repo, 'src/m/new.bin'), Buffer.from([0, 1, 2, 255, 254, 0, 10]));
  writeFileSync(join(repo, 'src/m/f3.txt'), 'staged\n');
  must(sb.git(repo, 'add', 'src/m/f3.txt'));
  writeFileSync(join(repo, 'src/m/f4.txt'), 'staged first\n');
  must(sb.git(repo, 'add', 'src/m/f4.txt'));
  writeFileSync(join(repo, 'src/m/f4.txt'), 'then edited\n');
  writeFileSync(join(repo, 'docs/x'), 'outside the scope\n');
}

describe('save-patch reads changed files from the working tree', () => {
  for (const count of [8, 150]) {
    it(`${count} files in scope: the patch is what git would commit, and .git is untouched`, () => {
      const repo = sb.makeRepo('repo', manyFiles(count));
      editScope(repo);
      const before = gitDirListing(repo);
      const patch = savedPatch(repo, 'src/m/**');
      expect(patch).toBe(gitsOwnPatch(repo, 'src/m/**'));
      expect(patch).toContain('rename from src/m/f5.txt');
      expect(patch).toContain('GIT binary patch');
      expect(gitDirListing(repo)).toEqual(before);
      expect(readdirSync(join(repo, '.git/gitfence/tmp'))).toEqual([]);
    });
  }

  it('skip-worktree and assume-unchanged entries come from the index, as git add would take them', () => {
    for (const count of [8, 150]) {
      const repo = sb.makeRepo(`marked-${count}`, manyFiles(count));
      must(sb.git(repo, 'update-index', '--skip-worktree', 'src/m/f6.txt'));
      unlinkSync(join(repo, 'src/m/f6.txt'));
      must(sb.git(repo, 'update-index', '--assume-unchanged', 'src/m/f7.txt'));
      writeFileSync(join(repo, 'src/m/f7.txt'), 'hidden from git\n');
      writeFileSync(join(repo, 'src/m/f1.txt'), 'visible\n');
      const patch = savedPatch(repo, 'src/m/**');
      expect(patch).toContain('+visible');
      expect(patch).not.toContain('f6.txt');
      expect(patch).not.toContain('f7.txt');
    }
  });

  it('a name that is not UTF-8 in scope: refused (42), never a patch without it', () => {
    const repo = sb.makeRepo('bytes', manyFiles(8));
    writeFileSync(join(repo, 'src/m/f1.txt'), 'edited\n');
    // src/m/<0xff>.txt: git lists it for src/m/**, but node reads the name back as U+FFFD
    writeFileSync(
      Buffer.concat([Buffer.from(join(repo, 'src/m/')), Buffer.from([0xff, 0x2e, 0x74])]),
      'x\n',
    );
    const result = sb.run(process.execPath, [CLI, 'save-patch', '--path', 'src/m/**', '--stdout'], {
      cwd: repo,
      env: { LLM_AGENT_NAME: 'A' },
    });
    expect(result.code).toBe(42);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('save-patch cannot save files whose names are not UTF-8');
    expect(result.stderr).toContain('src/m/\uFFFD.t');
  });

  it('core.fileMode=false: a modified executable keeps its mode, as git add keeps it', () => {
    for (const count of [8, 150]) {
      const repo = sb.makeRepo(`filemode-${count}`, manyFiles(count));
      must(sb.git(repo, 'update-index', '--chmod=+x', 'src/m/f1.txt'));
      must(sb.git(repo, 'commit', '-qm', 'f1 executable'));
      must(sb.git(repo, 'config', 'core.fileMode', 'false'));
      // the file on disk is 0644: with fileMode=false git does not read the bit from it
      writeFileSync(join(repo, 'src/m/f1.txt'), 'changed, still executable\n');
      writeFileSync(join(repo, 'src/m/added.txt'), 'new\n');
      const patch = savedPatch(repo, 'src/m/**');
      expect(patch).toBe(gitsOwnPatch(repo, 'src/m/**'));
      expect(patch).not.toContain('old mode');
      expect(patch).toContain('index ');
    }
  });

  it('core.ignoreStat in the user config hides no changed file', () => {
    const repo = sb.makeRepo('ignorestat', manyFiles(8));
    must(sb.git(repo, 'config', 'core.ignoreStat', 'true'));
    writeFileSync(join(repo, 'src/m/f1.txt'), 'changed under ignoreStat\n');
    writeFileSync(join(repo, 'src/m/brand-new.txt'), 'new\n');
    const patch = savedPatch(repo, 'src/m/**');
    expect(patch).toContain('+changed under ignoreStat');
    expect(patch).toContain('+new');
  });

  it("a submodule in scope: its new commit, never its insides' uncommitted changes", () => {
    const sub = sb.makeRepo('sub', { 'in.txt': 'in\n' });
    const repo = sb.makeRepo('super', manyFiles(8));
    must(
      sb.git(repo, '-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', sub, 'src/m/sub'),
    );
    must(sb.git(repo, 'commit', '-qm', 'submodule'));
    writeFileSync(join(repo, 'src/m/sub/in.txt'), 'dirty inside\n');
    writeFileSync(join(repo, 'src/m/f1.txt'), 'beside a dirty submodule\n');
    const dirty = savedPatch(repo, 'src/m/**');
    expect(dirty).toContain('+beside a dirty submodule');
    expect(dirty).not.toContain('src/m/sub');

    must(sb.git(join(repo, 'src/m/sub'), 'commit', '-qam', 'moved on'));
    const head = must(sb.git(join(repo, 'src/m/sub'), 'rev-parse', 'HEAD')).stdout.trim();
    const moved = savedPatch(repo, 'src/m/**');
    expect(moved).toContain(`+Subproject commit ${head}\n`);
    expect(moved).not.toContain('-dirty');
  });
});

describe('the hot save-patch entry', () => {
  /** The modules node loaded from files (CommonJS cache), written at exit by a preload. */
  function loadedModules(repo: string, args: string[], entry = CLI): string[] {
    const preload = join(sb.root, 'loaded.cjs');
    const out = join(sb.root, 'loaded.txt');
    writeFileSync(
      preload,
      `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(out)}, Object.keys(require.cache).join('\\n')));\n`,
    );
    const result = sb.run(process.execPath, ['-r', preload, entry, ...args], {
      cwd: repo,
      env: { LLM_AGENT_NAME: 'A' },
    });
    expect(result.code).toBe(0);
    return readFileSync(out, 'utf8').split('\n');
  }

  it('saves without loading anything from node_modules or the full CLI, for any scope glob', () => {
    const repo = sb.makeRepo('repo', manyFiles(8));
    editScope(repo);
    const out = join(sb.root, 'out');
    for (const loaded of [
      loadedModules(repo, ['save-patch', '--path', 'src/m/**', '--stdout']),
      loadedModules(repo, ['save-patch', '--path', 'src/*/f?.txt', '--stdout']),
      loadedModules(repo, ['save-patch', '--path', 'src/[mn]/**', '--stdout']),
      loadedModules(
        repo,
        ['--path', 'src/m', '--out', out],
        join(PROJECT_ROOT, 'bin/save-patch.js'),
      ),
    ]) {
      expect(loaded.some((file) => file.endsWith('/dist/hot/save-patch.cjs'))).toBe(true);
      expect(loaded.filter((file) => /node_modules|dist\/cli\//.test(file))).toEqual([]);
    }
  });

  it('both entries print the same help and the same usage errors', () => {
    const repo = sb.makeRepo('repo');
    const bin = (args: string[]) =>
      sb.run(process.execPath, [join(PROJECT_ROOT, 'bin/save-patch.js'), ...args], { cwd: repo });
    const help = sb.gitfence(repo, ['save-patch', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: save-patch \[--path GLOB\]/);
    expect(bin(['-h'])).toEqual(help);
    const bad = sb.gitfence(repo, ['save-patch', '--bogus']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^gitfence: save-patch: .*'--bogus'/);
    expect(bin(['--bogus'])).toEqual(bad);
    mkdirSync(join(sb.root, 'not-a-repo'));
    const outside = sb.gitfence(join(sb.root, 'not-a-repo'), ['save-patch', '--path', 'x']);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain('save-patch must run inside a git repository');
  });
});

/** Snapshots with real git: everything in the working tree is kept, the index and tree are untouched, restore brings work back. */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitRunner } from '../../src/util/git-runner.js';
import {
  createSnapshot,
  listSnapshotFiles,
  listSnapshots,
  resolveSnapshot,
  restoreSnapshot,
} from '../../src/snapshot/snapshot.js';
import { createSandbox, must, type Sandbox } from '../helpers/sandbox.js';

let sb: Sandbox;
let repo: string;
beforeAll(() => {
  sb = createSandbox();
  repo = sb.makeRepo('repo', { 'a.txt': 'a\n', '.gitignore': '*.log\nbig.bin\n' });
});
afterAll(() => sb.cleanup());

describe('snapshots', () => {
  it('captures tracked, staged, untracked and small ignored files without touching index or tree', async () => {
    const git = createGitRunner('/usr/bin/git', sb.env);
    writeFileSync(join(repo, 'a.txt'), 'a changed\n');
    writeFileSync(join(repo, 'staged.txt'), 'staged\n');
    must(sb.git(repo, 'add', 'staged.txt'));
    writeFileSync(join(repo, 'new.txt'), 'untracked\n');
    writeFileSync(join(repo, 'debug.log'), 'ignored but small\n');
    writeFileSync(join(repo, 'big.bin'), Buffer.alloc(4096));
    const status = sb.git(repo, 'status', '--porcelain', '--ignored').stdout;
    const index = readFileSync(join(repo, '.git', 'index'));
    const indexMtime = statSync(join(repo, '.git', 'index')).mtimeMs;

    const snap = await createSnapshot({
      git,
      repo: { topLevel: repo, gitDir: join(repo, '.git') },
      now: Date.UTC(2026, 0, 2, 3, 4, 5),
      ignoredMaxBytes: 1024,
      message: 'test snapshot',
      random: () => 'abc123',
    });
    expect(snap.ref).toBe('refs/gitfence/snapshots/20260102T030405Z-abc123');
    expect(snap.skipped).toEqual(['big.bin']);
    expect(readFileSync(join(repo, '.git', 'index'))).toEqual(index);
    expect(statSync(join(repo, '.git', 'index')).mtimeMs).toBe(indexMtime);
    expect(sb.git(repo, 'status', '--porcelain', '--ignored').stdout).toBe(status);

    const files = await listSnapshotFiles(git, repo, snap.commit);
    expect(files.sort()).toEqual(['.gitignore', 'a.txt', 'debug.log', 'new.txt', 'staged.txt']);
    expect(sb.git(repo, 'show', `${snap.commit}^2:staged.txt`).stdout).toBe('staged\n'); // the index, as it was
    expect(sb.git(repo, 'rev-parse', `${snap.commit}^1`).stdout).toBe(
      sb.git(repo, 'rev-parse', 'HEAD').stdout,
    );

    // lose the work with real git, then restore it
    must(sb.git(repo, 'reset', '--hard', '-q'));
    must(sb.git(repo, 'clean', '-fdxq'));
    expect((await listSnapshots(git, repo)).length).toBe(1);
    const found = await resolveSnapshot(git, repo, '20260102');
    const restored = await restoreSnapshot({
      git,
      repo: { topLevel: repo, gitDir: join(repo, '.git') },
      commit: found.commit,
      paths: [],
    });
    expect(restored.sort()).toEqual(files.sort());
    expect(readFileSync(join(repo, 'a.txt'), 'utf8')).toBe('a changed\n');
    expect(readFileSync(join(repo, 'new.txt'), 'utf8')).toBe('untracked\n');
    expect(readFileSync(join(repo, 'debug.log'), 'utf8')).toBe('ignored but small\n');
    // the index was not rewritten by the restore: staged.txt is back on disk but not staged
    expect(sb.git(repo, 'diff', '--cached', '--name-only').stdout).toBe('');
  });

  it('restores only the paths asked for', async () => {
    const git = createGitRunner('/usr/bin/git', sb.env);
    writeFileSync(join(repo, 'a.txt'), 'one\n');
    writeFileSync(join(repo, 'new.txt'), 'two\n');
    const snap = await createSnapshot({
      git,
      repo: { topLevel: repo, gitDir: join(repo, '.git') },
      now: Date.now(),
      ignoredMaxBytes: 0,
      message: 'm',
    });
    writeFileSync(join(repo, 'a.txt'), 'later\n');
    writeFileSync(join(repo, 'new.txt'), 'later\n');
    const restored = await restoreSnapshot({
      git,
      repo: { topLevel: repo, gitDir: join(repo, '.git') },
      commit: snap.commit,
      paths: ['new.txt'],
    });
    expect(restored).toEqual(['new.txt']);
    expect(readFileSync(join(repo, 'new.txt'), 'utf8')).toBe('two\n');
    expect(readFileSync(join(repo, 'a.txt'), 'utf8')).toBe('later\n');
  });

  it('keeps a name that starts or ends with a blank (git -z output is not trimmed)', async () => {
    const blanks = sb.makeRepo('blanks', { ' lead.txt': 'lead\n', 'z trail ': 'trail\n' });
    const git = createGitRunner('/usr/bin/git', sb.env);
    writeFileSync(join(blanks, ' lead.txt'), 'changed\n');
    const snap = await createSnapshot({
      git,
      repo: { topLevel: blanks, gitDir: join(blanks, '.git') },
      now: Date.now(),
      ignoredMaxBytes: 0,
      message: 'm',
    });
    expect((await listSnapshotFiles(git, blanks, snap.commit)).sort()).toEqual([
      ' lead.txt',
      'z trail ',
    ]);
    must(sb.git(blanks, 'reset', '--hard', '-q'));
    const restored = await restoreSnapshot({
      git,
      repo: { topLevel: blanks, gitDir: join(blanks, '.git') },
      commit: snap.commit,
      paths: [],
    });
    expect(restored.sort()).toEqual([' lead.txt', 'z trail ']);
    expect(readFileSync(join(blanks, ' lead.txt'), 'utf8')).toBe('changed\n');
  });

  it('snapshots this repository even when the environment names another (GIT_DIR)', async () => {
    const here = sb.makeRepo('here', { 'a.txt': 'here\n', '.gitignore': 'cache\n' });
    const other = sb.makeRepo('other', { 'b.txt': 'other\n' });
    writeFileSync(join(here, 'cache'), 'ignored but kept\n');
    const git = createGitRunner('/usr/bin/git', {
      ...sb.env,
      GIT_DIR: join(other, '.git'),
      GIT_WORK_TREE: other,
    });
    const snap = await createSnapshot({
      git,
      repo: { topLevel: here, gitDir: join(here, '.git') },
      now: Date.now(),
      ignoredMaxBytes: 1024,
      message: 'm',
    });
    const parent = must(sb.git(here, 'rev-parse', `${snap.commit}^`)).stdout.trim();
    expect(parent).toBe(must(sb.git(here, 'rev-parse', 'HEAD')).stdout.trim());
    expect(
      await listSnapshotFiles(createGitRunner('/usr/bin/git', sb.env), here, snap.commit),
    ).toContain('cache');
  });
});

/**
 * Working-tree snapshots under refs/gitfence/snapshots/: tracked, untracked and (up to a size cap)
 * ignored files, taken with a temporary index and plumbing only, so the real index and the working
 * tree are never touched. Layout, like a stash: the commit's tree is the working tree, its first
 * parent is HEAD (when there is one) and its second parent records the index as it was.
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitfenceError } from '../errors.js';
import { REDIRECTS_UNSET } from '../util/git-env.js';
import type { GitRunner } from '../util/git-runner.js';

export const SNAPSHOT_PREFIX = 'refs/gitfence/snapshots/';

export interface SnapshotRepo {
  topLevel: string;
  gitDir: string;
}

export interface CreateSnapshotInput {
  git: GitRunner;
  repo: SnapshotRepo;
  now: number;
  /** Ignored files larger than this are left out. */
  ignoredMaxBytes: number;
  message: string;
  random?: () => string;
}

export interface Snapshot {
  ref: string;
  commit: string;
  /** Ignored files left out for size. */
  skipped: string[];
}

/** git's stdout, or GIT_FAILED. */
async function mustRun(
  git: GitRunner,
  args: string[],
  cwd: string,
  env?: Record<string, string | undefined>,
  input?: string,
): Promise<string> {
  const result = await git.run(args, { cwd, env, input });
  if (result.code !== 0) {
    throw new GitfenceError('GIT_FAILED', `git ${args[0]} failed while taking a snapshot`, {
      where: cwd,
      got: result.stderr.trim() || `exit ${result.code}`,
      hint: 'check the repository with `git status` and `gitfence doctor`; nothing was changed',
    });
  }
  return result.stdout;
}

/** One value (an object id): stdout trimmed. */
async function must(...args: Parameters<typeof mustRun>): Promise<string> {
  return (await mustRun(...args)).trim();
}

/** Paths from a `-z` listing, untrimmed: a name may start or end with a blank. */
async function mustPaths(...args: Parameters<typeof mustRun>): Promise<string[]> {
  return (await mustRun(...args)).split('\0').filter(Boolean);
}

export function snapshotRefName(
  now: number,
  random: () => string = () => randomBytes(3).toString('hex'),
): string {
  const stamp = new Date(now)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${SNAPSHOT_PREFIX}${stamp}-${random()}`;
}

function authorEnv(now: number): Record<string, string> {
  const date = `${Math.floor(now / 1000)} +0000`;
  return {
    GIT_AUTHOR_NAME: 'gitfence',
    GIT_AUTHOR_EMAIL: 'gitfence@localhost',
    GIT_COMMITTER_NAME: 'gitfence',
    GIT_COMMITTER_EMAIL: 'gitfence@localhost',
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_DATE: date,
  };
}

export async function createSnapshot(input: CreateSnapshotInput): Promise<Snapshot> {
  const { git, repo, now } = input;
  const cwd = repo.topLevel;
  const scratch = mkdtempSync(join(tmpdir(), 'gitfence-snapshot-'));
  try {
    const realIndex = join(repo.gitDir, 'index');
    const worktreeIndex = join(scratch, 'worktree.index');
    const stagedIndex = join(scratch, 'staged.index');
    let hasIndex = true;
    try {
      statSync(realIndex);
      copyFileSync(realIndex, worktreeIndex);
      copyFileSync(realIndex, stagedIndex);
    } catch {
      hasIndex = false;
    }
    // every call about this repository only: a break-glassed `GIT_DIR=… git …` names another one
    const base: Record<string, string | undefined> = { ...REDIRECTS_UNSET, ...authorEnv(now) };
    const head = await git.run(['rev-parse', '--verify', '-q', 'HEAD^{commit}'], {
      cwd,
      env: base,
    });
    const parents = head.code === 0 ? ['-p', head.stdout.trim()] : [];

    // The index as it was, so a restore can tell staged from unstaged work.
    const stagedTree = hasIndex
      ? await must(git, ['write-tree'], cwd, { ...base, GIT_INDEX_FILE: stagedIndex })
      : await must(git, ['mktree'], cwd, base, '');
    const stagedCommit = await must(
      git,
      ['commit-tree', stagedTree, ...parents, '-m', 'gitfence snapshot: index'],
      cwd,
      base,
    );

    const tmpEnv = { ...base, GIT_INDEX_FILE: worktreeIndex };
    await must(git, ['add', '-A', '--', '.'], cwd, tmpEnv);
    const ignored = await git.run(
      ['ls-files', '-z', '--others', '--ignored', '--exclude-standard'],
      { cwd, env: base },
    );
    const keep: string[] = [];
    const skipped: string[] = [];
    for (const path of ignored.stdout.split('\0').filter(Boolean)) {
      try {
        const size = statSync(join(cwd, path)).size;
        (size <= input.ignoredMaxBytes ? keep : skipped).push(path);
      } catch {
        skipped.push(path);
      }
    }
    if (keep.length) {
      await must(
        git,
        ['add', '-f', '--pathspec-from-file=-', '--pathspec-file-nul'],
        cwd,
        tmpEnv,
        `${keep.map((p) => `:(literal)${p}`).join('\0')}\0`,
      );
    }
    const tree = await must(git, ['write-tree'], cwd, tmpEnv);
    const message = `${input.message}\n\nskipped ignored files over the size cap: ${skipped.length}`;
    const commit = await must(
      git,
      ['commit-tree', tree, ...parents, '-p', stagedCommit, '-m', message],
      cwd,
      base,
    );
    const ref = snapshotRefName(now, input.random);
    await must(git, ['update-ref', '-m', 'gitfence snapshot', ref, commit, ''], cwd, base);
    return { ref, commit, skipped };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export interface SnapshotInfo {
  ref: string;
  name: string;
  commit: string;
  time: string;
  subject: string;
}

export async function listSnapshots(git: GitRunner, cwd: string): Promise<SnapshotInfo[]> {
  const result = await git.run(
    [
      'for-each-ref',
      '--sort=creatordate',
      '--format=%(refname)%00%(objectname)%00%(creatordate:iso-strict)%00%(subject)',
      SNAPSHOT_PREFIX,
    ],
    { cwd },
  );
  if (result.code !== 0) return [];
  return result.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [ref = '', commit = '', time = '', subject = ''] = line.split('\0');
      return { ref, name: ref.slice(SNAPSHOT_PREFIX.length), commit, time, subject };
    });
}

/** A snapshot by full ref, short name, or unique name prefix. */
export async function resolveSnapshot(
  git: GitRunner,
  cwd: string,
  name: string,
): Promise<SnapshotInfo> {
  const all = await listSnapshots(git, cwd);
  const exact = all.find((s) => s.ref === name || s.name === name);
  if (exact) return exact;
  const prefixed = all.filter((s) => s.name.startsWith(name));
  if (prefixed.length === 1) return prefixed[0]!;
  throw new GitfenceError(
    'USAGE',
    prefixed.length ? 'ambiguous snapshot name' : 'no such snapshot',
    {
      where: SNAPSHOT_PREFIX,
      expected: 'a snapshot name from `gitfence checkpoint list`',
      got: name,
      hint: prefixed.length
        ? `one of: ${prefixed.map((s) => s.name).join(', ')}`
        : 'run `gitfence checkpoint list`',
    },
  );
}

/** Paths in a snapshot (the working tree it recorded). */
export async function listSnapshotFiles(
  git: GitRunner,
  cwd: string,
  commit: string,
): Promise<string[]> {
  return mustPaths(git, ['ls-tree', '-r', '-z', '--name-only', commit], cwd);
}

/**
 * Write a snapshot's files back into the working tree (only the paths asked, or all). Uses a
 * temporary index, so the real index stays as it is; files created since the snapshot are kept.
 */
export async function restoreSnapshot(input: {
  git: GitRunner;
  repo: SnapshotRepo;
  commit: string;
  paths: string[];
}): Promise<string[]> {
  const { git, repo, commit } = input;
  const scratch = mkdtempSync(join(tmpdir(), 'gitfence-restore-'));
  try {
    const env = { GIT_INDEX_FILE: join(scratch, 'restore.index') } as Record<string, string>;
    await must(git, ['read-tree', `${commit}^{tree}`], repo.topLevel, env);
    const list = await mustPaths(
      git,
      ['ls-files', '-z', '--', ...input.paths.map((p) => `:(glob)${p}`)],
      repo.topLevel,
      env,
    );
    if (list.length === 0) return [];
    await must(
      git,
      ['checkout-index', '-f', '-z', '--stdin'],
      repo.topLevel,
      env,
      `${list.join('\0')}\0`,
    );
    return list;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

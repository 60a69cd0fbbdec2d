/**
 * The exact prior state of the paths a patch touches (index entries, all stages, and working-tree
 * bytes, modes and symlinks), so a failed application can be put back as if it never ran.
 */
import {
  lstat,
  mkdir,
  readFile,
  readlink,
  rm,
  rmdir,
  symlink,
  writeFile,
  chmod,
} from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { GitfenceError } from '../errors.js';
import type { GitRunner } from '../util/git-runner.js';

type WorktreeState =
  | { kind: 'absent' }
  | { kind: 'file'; data: Buffer; mode: number }
  | { kind: 'symlink'; target: string }
  | { kind: 'other' };

export interface PathSnapshot {
  cwd: string;
  paths: string[];
  /** `git ls-files -s` lines for the paths, as `--index-info` takes them back. */
  indexEntries: string[];
  worktree: Map<string, WorktreeState>;
  /** Parent directories that did not exist, to remove again if empty. */
  missingDirs: string[];
}

const ZERO = '0'.repeat(40);

async function stateOf(file: string): Promise<WorktreeState> {
  try {
    const stat = await lstat(file);
    if (stat.isSymbolicLink()) return { kind: 'symlink', target: await readlink(file) };
    if (stat.isFile()) return { kind: 'file', data: await readFile(file), mode: stat.mode & 0o777 };
    return { kind: 'other' };
  } catch (error) {
    if (
      (error as NodeJS.ErrnoException).code === 'ENOENT' ||
      (error as NodeJS.ErrnoException).code === 'ENOTDIR'
    ) {
      return { kind: 'absent' };
    }
    throw error;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

export async function takeSnapshot(
  git: GitRunner,
  cwd: string,
  paths: string[],
  env: Record<string, string> = {},
): Promise<PathSnapshot> {
  const listed = await git.run(
    ['ls-files', '-s', '-z', '--', ...paths.map((p) => `:(top,literal)${p}`)],
    { cwd, env },
  );
  if (listed.code !== 0) {
    throw new GitfenceError('GIT_FAILED', 'could not read the index before applying', {
      where: cwd,
      got: listed.stderr.trim(),
    });
  }
  const worktree = new Map<string, WorktreeState>();
  const missing = new Set<string>();
  for (const path of paths) {
    worktree.set(path, await stateOf(join(cwd, path)));
    for (let dir = dirname(path); dir !== '.' && dir !== ''; dir = dirname(dir)) {
      if (!(await exists(join(cwd, dir)))) missing.add(dir);
      else break;
    }
  }
  return {
    cwd,
    paths,
    indexEntries: listed.stdout.split('\0').filter(Boolean),
    worktree,
    // deepest first, so children go before parents
    missingDirs: [...missing].sort((a, b) => b.length - a.length),
  };
}

/** Nothing to put back: the index entries and working-tree files are still as snapshotted (also when `.git` could not be written). */
async function unchangedSince(
  git: GitRunner,
  snapshot: PathSnapshot,
  env: Record<string, string>,
): Promise<boolean> {
  const listed = await git.run(
    ['ls-files', '-s', '-z', '--', ...snapshot.paths.map((p) => `:(top,literal)${p}`)],
    {
      cwd: snapshot.cwd,
      env,
    },
  );
  if (listed.code !== 0) return false;
  const now = listed.stdout.split('\0').filter(Boolean);
  if (
    now.length !== snapshot.indexEntries.length ||
    now.some((line, i) => line !== snapshot.indexEntries[i])
  )
    return false;
  for (const [path, before] of snapshot.worktree) {
    const after = await stateOf(join(snapshot.cwd, path));
    if (after.kind !== before.kind) return false;
    if (after.kind === 'symlink' && before.kind === 'symlink' && after.target !== before.target)
      return false;
    if (
      after.kind === 'file' &&
      before.kind === 'file' &&
      (after.mode !== before.mode || !after.data.equals(before.data))
    )
      return false;
  }
  return true;
}

/** Put the index entries and working-tree files back exactly; `worktree: false` restores only the index. */
export async function restoreSnapshot(
  git: GitRunner,
  snapshot: PathSnapshot,
  options: { worktree: boolean; env?: Record<string, string> } = { worktree: true },
): Promise<void> {
  if (await unchangedSince(git, snapshot, options.env ?? {})) return;
  const removal = snapshot.paths.map((p) => `0 ${ZERO}\t${p}`);
  const input = `${[...removal, ...snapshot.indexEntries].join('\0')}\0`;
  const result = await git.run(['update-index', '-z', '--index-info'], {
    cwd: snapshot.cwd,
    env: options.env ?? {},
    input,
  });
  if (result.code !== 0) {
    throw new GitfenceError('GIT_FAILED', 'could not restore the index after a failed apply', {
      where: snapshot.cwd,
      got: result.stderr.trim(),
      hint: `inspect \`git status\`; the prior index entries were: ${snapshot.indexEntries.join('; ')}`,
    });
  }
  if (!options.worktree) return;
  for (const [path, state] of snapshot.worktree) {
    const file = join(snapshot.cwd, path);
    if (state.kind === 'other') continue;
    const now = await stateOf(file);
    if (now.kind === 'other') await rm(file, { recursive: true, force: true });
    else if (now.kind !== 'absent') await rm(file, { force: true });
    if (state.kind === 'absent') continue;
    await mkdir(dirname(file), { recursive: true });
    if (state.kind === 'symlink') await symlink(state.target, file);
    else {
      await writeFile(file, state.data, { mode: state.mode });
      await chmod(file, state.mode);
    }
  }
  for (const dir of snapshot.missingDirs) {
    try {
      await rmdir(join(snapshot.cwd, dir));
    } catch {
      // not empty or already gone: leave it
    }
  }
}

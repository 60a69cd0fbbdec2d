/**
 * What `lock` must flag. An immutable directory blocks create/delete/rename of its entries but not
 * writes into files already there, so we flag every git directory plus the files git rewrites in
 * place (HEAD, index, config, packed-refs, loose refs, reflogs, hooks). Object files are never
 * rewritten in place, so only their directories are flagged: that keeps a big repository fast.
 */
import { readdir, readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { RepoInfo } from '../repo/discover.js';
import type { GitRunner } from '../util/git-runner.js';
import { parseWorktreeList } from '../worktree/porcelain.js';

export interface LockTargets {
  /** Directories, parents before children. */
  dirs: string[];
  /** Files git writes in place. */
  files: string[];
  /** Private git dirs of linked worktrees (inside or outside the common dir). */
  worktreeGitDirs: string[];
}

/** The private git dir a worktree's `.git` file points at, or null for the main worktree. */
export function parseGitFile(text: string, worktree: string): string | null {
  const match = /^gitdir:\s*(.+?)\s*$/m.exec(text);
  if (!match) return null;
  return isAbsolute(match[1]!) ? match[1]! : resolve(worktree, match[1]!);
}

export async function gatherWorktreeGitDirs(repo: RepoInfo, git: GitRunner): Promise<string[]> {
  const found = new Set<string>();
  const listed = await git.run(
    ['--git-dir', repo.commonDir, 'worktree', 'list', '--porcelain', '-z'],
    { env: { GIT_DIR: undefined, GIT_WORK_TREE: undefined } },
  );
  if (listed.code === 0) {
    for (const { path: worktree } of parseWorktreeList(listed.stdout)) {
      try {
        const gitDir = parseGitFile(await readFile(join(worktree, '.git'), 'utf8'), worktree);
        if (gitDir) found.add(gitDir);
      } catch {
        // main worktree (`.git` is a dir), or a worktree that is gone: its private dir is still walked below
      }
    }
  }
  try {
    for (const entry of await readdir(join(repo.commonDir, 'worktrees'), { withFileTypes: true })) {
      if (entry.isDirectory()) found.add(join(repo.commonDir, 'worktrees', entry.name));
    }
  } catch {
    // no linked worktrees
  }
  if (repo.gitDir !== repo.commonDir) found.add(repo.gitDir);
  return [...found].sort();
}

function inside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Walk one git dir: every directory, and every file outside `objects/`; skips the state dir. */
export async function walkGitDir(
  root: string,
  skip: (dir: string) => boolean,
  into: LockTargets,
): Promise<void> {
  const stack: Array<{ dir: string; inObjects: boolean }> = [{ dir: root, inObjects: false }];
  while (stack.length > 0) {
    const { dir, inObjects } = stack.pop()!;
    into.dirs.push(dir);
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      continue; // vanished meanwhile
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (skip(path)) continue;
        stack.push({ dir: path, inObjects: inObjects || entry.name === 'objects' });
      } else if (entry.isFile() && !inObjects) {
        // Stray lock/temp files of a crashed git stay removable.
        if (entry.name.endsWith('.lock')) continue;
        into.files.push(path);
      }
    }
  }
}

export async function gatherLockTargets(repo: RepoInfo, git: GitRunner): Promise<LockTargets> {
  const targets: LockTargets = { dirs: [], files: [], worktreeGitDirs: [] };
  const stateDir = resolve(repo.stateDir);
  const skip = (dir: string) => resolve(dir) === stateDir;
  await walkGitDir(repo.commonDir, skip, targets);
  targets.worktreeGitDirs = await gatherWorktreeGitDirs(repo, git);
  for (const gitDir of targets.worktreeGitDirs) {
    if (!inside(repo.commonDir, gitDir)) await walkGitDir(gitDir, skip, targets);
  }
  targets.dirs = [...new Set(targets.dirs)].sort(
    (a, b) => depth(a) - depth(b) || a.localeCompare(b),
  );
  targets.files = [...new Set(targets.files)].sort();
  return targets;
}

function depth(path: string): number {
  return path.split(sep).length;
}

/** `gitfence worktree list`: the records joined with what git lists. Pure. */
import type { ListedWorktree } from './porcelain.js';
import type { WorktreeRecord } from './records.js';

/** What git says about a worktree beyond the listing, gathered only for those that exist. */
export interface WorktreeStatus {
  /** Uncommitted changes, tracked or untracked (ignored files do not count). */
  dirty: boolean;
  /** Its HEAD is in the history of the main worktree's HEAD. */
  merged: boolean;
  /** Commits on its HEAD that the main worktree's HEAD does not have. */
  ahead: number;
}

export interface WorktreeView {
  /** The agent it was handed to, null for a worktree gitfence did not add. */
  agent: string | null;
  path: string;
  branch: string | null;
  head: string | null;
  base: string | null;
  created: string | null;
  /** In gitfence's record. */
  recorded: boolean;
  /** Git knows it (`git worktree list`). */
  registered: boolean;
  /** Git knows it and its directory is there. */
  exists: boolean;
  dirty: boolean | null;
  merged: boolean | null;
  ahead: number | null;
  locked: string | null;
  prunable: string | null;
}

export interface MainWorktree {
  path: string;
  branch: string | null;
  head: string | null;
}

export interface WorktreeListing {
  main: MainWorktree;
  worktrees: WorktreeView[];
}

/** Recorded worktrees first (in the order they were added), then the linked worktrees nobody recorded. */
export function joinWorktrees(
  main: MainWorktree,
  records: WorktreeRecord[],
  linked: ListedWorktree[],
  status: ReadonlyMap<string, WorktreeStatus>,
): WorktreeListing {
  const byPath = new Map(linked.map((entry) => [entry.path, entry]));
  const view = (record: WorktreeRecord | null, entry: ListedWorktree | null): WorktreeView => {
    const path = entry?.path ?? record!.path;
    const exists = entry !== null && entry.prunable === null;
    const known = exists ? status.get(path) : undefined;
    return {
      agent: record?.agent ?? null,
      path,
      branch: entry ? entry.branch : record!.branch,
      head: entry?.head ?? null,
      base: record?.base ?? null,
      created: record?.created ?? null,
      recorded: record !== null,
      registered: entry !== null,
      exists,
      dirty: known?.dirty ?? null,
      merged: known?.merged ?? null,
      ahead: known?.ahead ?? null,
      locked: entry?.locked ?? null,
      prunable: entry?.prunable ?? null,
    };
  };
  const recordedPaths = new Set(records.map((record) => record.path));
  return {
    main,
    worktrees: [
      ...records.map((record) => view(record, byPath.get(record.path) ?? null)),
      ...linked.filter((entry) => !recordedPaths.has(entry.path)).map((entry) => view(null, entry)),
    ],
  };
}

/** `git worktree list --porcelain -z`, parsed. Pure. */

export interface ListedWorktree {
  path: string;
  /** The commit checked out; null in a bare main worktree or an unborn branch. */
  head: string | null;
  /** The branch's short name (`gitfence/A`), null when detached or bare. */
  branch: string | null;
  bare: boolean;
  detached: boolean;
  /** `git worktree lock` reason ('' when locked without one), null when not locked. */
  locked: string | null;
  /** Why git would prune it (its directory is gone), null when it would not. */
  prunable: string | null;
}

function valueOf(field: string, key: string): string | null {
  if (field === key) return '';
  return field.startsWith(`${key} `) ? field.slice(key.length + 1) : null;
}

/** Fields are NUL-terminated; an empty field ends a worktree. The main worktree comes first. */
export function parseWorktreeList(text: string): ListedWorktree[] {
  const worktrees: ListedWorktree[] = [];
  let current: ListedWorktree | null = null;
  for (const field of text.split('\0')) {
    if (field === '') {
      if (current) worktrees.push(current);
      current = null;
      continue;
    }
    const path = valueOf(field, 'worktree');
    if (path !== null) {
      if (current) worktrees.push(current);
      current = {
        path,
        head: null,
        branch: null,
        bare: false,
        detached: false,
        locked: null,
        prunable: null,
      };
      continue;
    }
    if (!current) continue;
    const head = valueOf(field, 'HEAD');
    const branch = valueOf(field, 'branch');
    const locked = valueOf(field, 'locked');
    const prunable = valueOf(field, 'prunable');
    if (head !== null) current.head = /^0+$/.test(head) ? null : head;
    else if (branch !== null) current.branch = branch.replace(/^refs\/heads\//, '');
    else if (field === 'bare') current.bare = true;
    else if (field === 'detached') current.detached = true;
    else if (locked !== null) current.locked = locked;
    else if (prunable !== null) current.prunable = prunable;
  }
  if (current) worktrees.push(current);
  return worktrees;
}

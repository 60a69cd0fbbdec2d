/** The pure steps of "would removing this worktree lose work?"; the git calls are in git.ts. */

/** `git diff-tree --name-only -z` output → paths. */
export function splitPaths(output: string): string[] {
  return output.split('\0').filter(Boolean);
}

/**
 * Paths the worktree changed (base → worktree) whose content differs in the target too: the
 * candidates for work the target does not have. A path the worktree changed to exactly what the
 * target holds is delivered, whoever committed it.
 */
export function undeliveredCandidates(changedByWorktree: string[], differFromTarget: string[]) {
  const differ = new Set(differFromTarget);
  return changedByWorktree.filter((path) => differ.has(path));
}

/** Groups small enough for one git argv each. */
export function chunk<T>(items: T[], size: number): T[][] {
  const groups: T[][] = [];
  for (let i = 0; i < items.length; i += size) groups.push(items.slice(i, i + size));
  return groups;
}

/** A pathspec that matches exactly this path, whatever characters it holds. */
export const literalPathspec = (path: string): string => `:(literal)${path}`;

/** `gitfence worktree list`: read-only, so it works while `.git` is write-locked. */
import { existsSync } from 'node:fs';
import type { RepoInfo } from '../repo/discover.js';
import type { GitRunner } from '../util/git-runner.js';
import { listWorktrees, resolveCommit, worktreeStatus } from './git.js';
import { readRecords } from './store.js';
import { joinWorktrees, type WorktreeListing, type WorktreeStatus } from './view.js';

export async function listAgentWorktrees(input: {
  git: GitRunner;
  repo: RepoInfo;
  cwd: string;
}): Promise<WorktreeListing> {
  const { git, cwd } = input;
  const [listed, records] = await Promise.all([
    listWorktrees(git, cwd),
    readRecords(input.repo.stateDir),
  ]);
  const main = listed[0]!;
  const head = main.head ?? (await resolveCommit(git, main.path, 'HEAD'));
  const linked = listed.slice(1);
  const status = new Map<string, WorktreeStatus>(
    await Promise.all(
      linked
        .filter((entry) => entry.prunable === null && existsSync(entry.path))
        .map(async (entry) => [entry.path, await worktreeStatus(git, entry, head)] as const),
    ),
  );
  return joinWorktrees(
    { path: main.path, branch: main.branch, head },
    records.worktrees,
    linked,
    status,
  );
}

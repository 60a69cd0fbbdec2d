/** The git reads facts need, one process each: alias table and refs (via `src/git/gather-config.ts`), worktree roots. */
import * as gitConfig from '../git/gather-config.js';
import type { GitRunner } from '../util/git-runner.js';

export interface GitReadOptions {
  cwd: string;
  git: GitRunner;
  env?: Record<string, string | undefined>;
}

/** `alias.*` from every config file git reads in `cwd` (per-call config is the parser's). */
export function gatherAliases({ cwd, git, env }: GitReadOptions): Promise<Record<string, string>> {
  return gitConfig.gatherAliases(cwd, git, env ?? {});
}

/** Short names of branches, tags and remote-tracking refs. */
export function gatherRefs({ cwd, git }: GitReadOptions): Promise<string[]> {
  return gitConfig.gatherRefs(cwd, git);
}

/** Absolute roots of every worktree of the repository. */
export async function gatherWorktreeRoots({ cwd, git }: GitReadOptions): Promise<string[]> {
  const result = await git.run(['worktree', 'list', '--porcelain'], { cwd });
  if (result.code !== 0) return [];
  return result.stdout
    .split('\n')
    .filter((line) => line.startsWith('worktree '))
    .map((line) => line.slice('worktree '.length));
}

/** The edge for exports: the compiled policy in force here and the repository's worktrees. */
import { homedir } from 'node:os';
import { discoverRepo } from '../../repo/discover.js';
import { loadCompiledPolicy } from '../../policy/load-compiled.js';
import type { CompiledPolicy } from '../../evaluate/types.js';
import type { GitRunner } from '../../util/git-runner.js';

export interface ExportSource {
  policy: CompiledPolicy;
  policyLabel: string;
  /** Absolute worktree paths (empty outside a repository). */
  worktrees: string[];
  /** The main worktree, or the cwd outside a repository. */
  root: string;
}

/** `git worktree list --porcelain` → absolute paths, the main worktree first. */
export function parseWorktreeList(porcelain: string): string[] {
  return porcelain
    .split('\n')
    .filter((line) => line.startsWith('worktree '))
    .map((line) => line.slice('worktree '.length));
}

export async function gatherExportSource(options: {
  cwd: string;
  env: Record<string, string | undefined>;
  git: GitRunner;
  home?: string;
}): Promise<ExportSource> {
  const repo = await discoverRepo(options.cwd, options.git);
  const { policy, origin } = await loadCompiledPolicy({
    stateDir: repo?.stateDir ?? null,
    env: options.env,
    home: options.home ?? options.env.HOME ?? homedir(),
    repoRoot: repo?.topLevel ?? null,
  });
  let worktrees: string[] = [];
  if (repo) {
    const listed = await options.git.run(['worktree', 'list', '--porcelain'], { cwd: options.cwd });
    worktrees = listed.code === 0 ? parseWorktreeList(listed.stdout) : [];
  }
  return {
    policy,
    policyLabel: `${origin.kind} (${origin.file}), source hash ${policy.sourceHash.slice(0, 12)}`,
    worktrees,
    root: worktrees[0] ?? repo?.topLevel ?? options.cwd,
  };
}

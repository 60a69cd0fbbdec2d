/** Where a repository keeps its git dirs and gitfence's state (SPEC §5: `<git-common-dir>/gitfence/`). */
import { join } from 'node:path';
import { REDIRECTS_UNSET } from '../util/git-env.js';
import type { GitRunner } from '../util/git-runner.js';

export interface RepoInfo {
  /** The working tree's top level (absent in a bare repository). */
  topLevel: string | null;
  /** This worktree's private git dir (`.git`, or `.git/worktrees/<name>` in a linked worktree). */
  gitDir: string;
  /** The git dir every worktree shares. */
  commonDir: string;
  /** gitfence's state: compiled policy, leases, audit log, patches, write-lock lease. */
  stateDir: string;
}

export function stateDirFor(commonDir: string): string {
  return join(commonDir, 'gitfence');
}

/** null when `cwd` is not inside a repository; the caller's GIT_DIR and friends never move it. */
export async function discoverRepo(cwd: string, git: GitRunner): Promise<RepoInfo | null> {
  const result = await git.run(
    ['rev-parse', '--path-format=absolute', '--git-common-dir', '--git-dir', '--show-toplevel'],
    { cwd, env: REDIRECTS_UNSET },
  );
  if (result.code !== 0) {
    // A bare repository has no top level: retry without it.
    const bare = await git.run(
      ['rev-parse', '--path-format=absolute', '--git-common-dir', '--git-dir'],
      { cwd, env: REDIRECTS_UNSET },
    );
    if (bare.code !== 0) return null;
    const [commonDir, gitDir] = bare.stdout.split('\n');
    return commonDir && gitDir
      ? { topLevel: null, gitDir, commonDir, stateDir: stateDirFor(commonDir) }
      : null;
  }
  const [commonDir, gitDir, topLevel] = result.stdout.split('\n');
  if (!commonDir || !gitDir) return null;
  return { topLevel: topLevel || null, gitDir, commonDir, stateDir: stateDirFor(commonDir) };
}

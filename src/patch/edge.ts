/**
 * save-patch's and apply-patch's view of the outside world: the real git, the repository, the
 * compiled policy and the active leases, behind one seam so the commands stay thin and testable.
 */
import { homedir } from 'node:os';
import { GitfenceError } from '../errors.js';
import type { CompiledPolicy, LeaseFact } from '../evaluate/types.js';
import { readRepoAndAliases } from '../facts/fast-repo.js';
import { discoverRepo, type RepoInfo } from '../repo/discover.js';
import { loadCompiledPolicy } from '../policy/load-compiled.js';
import { readActiveLeases } from '../scopes/facts.js';
import { resolveRealGitFor } from '../shim/resolve-git.js';
import { ownGitRunner, type GitRunner } from '../util/git-runner.js';

export function createPatchGitRunner(env: Record<string, string | undefined>): GitRunner {
  return ownGitRunner(resolveRealGitFor(env, env.HOME || homedir()), env, 'repository-at-cwd');
}

/**
 * The repository around `cwd`, read from disk when that is certain to agree with git (one git
 * process fewer), else from `git rev-parse`; not a repository or a bare one is an error.
 */
export async function requireRepo(
  cwd: string,
  git: GitRunner,
  command: string,
  env?: Record<string, string | undefined>,
): Promise<RepoInfo & { topLevel: string }> {
  const onDisk = env ? readRepoAndAliases(cwd, env, env.HOME || homedir())?.repo : undefined;
  const repo = onDisk ?? (await discoverRepo(cwd, git));
  if (!repo) {
    throw new GitfenceError('NOT_A_REPOSITORY', `${command} must run inside a git repository`, {
      where: cwd,
      hint: 'cd into the repository (or one of its worktrees) first',
    });
  }
  if (repo.topLevel === null) {
    throw new GitfenceError('USAGE', `${command} needs a working tree`, {
      where: repo.gitDir,
      got: 'a bare repository',
      hint: 'run it inside a working tree of the repository',
    });
  }
  return repo as RepoInfo & { topLevel: string };
}

/** The compiled policy (repository → global → built-in default); missing or corrupt fails closed (42). */
export async function loadSavePatchPolicy(
  repo: RepoInfo,
  env: Record<string, string | undefined>,
): Promise<CompiledPolicy> {
  const { policy } = await loadCompiledPolicy({
    stateDir: repo.stateDir,
    env,
    home: env.HOME || homedir(),
    repoRoot: repo.topLevel,
  });
  return policy;
}

/** Every agent's active leases (a corrupt lease store fails closed). */
export async function gatherActiveLeases(stateDir: string, now: number): Promise<LeaseFact[]> {
  return readActiveLeases(stateDir, now);
}

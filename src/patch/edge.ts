/**
 * save-patch's and apply-patch's view of the outside world: the real git, the repository, the
 * compiled policy and the active leases, behind one seam so the commands stay thin and testable.
 */
import { homedir } from 'node:os';
import { GitfenceError } from '../errors.js';
import type { CompiledPolicy, LeaseFact } from '../evaluate/types.js';
import { discoverRepo, type RepoInfo } from '../repo/discover.js';
import { loadCompiledPolicy } from '../policy/load-compiled.js';
import { gitfenceHomeFrom, homePaths } from '../repo/state-paths.js';
import { readActiveLeases } from '../scopes/facts.js';
import { resolveRealGit } from '../shim/resolve-git.js';
import type { GitRunner } from '../util/git-runner.js';
import { createPipeSafeGitRunner } from './git.js';
import packageJson from '../../package.json' with { type: 'json' };

export const GITFENCE_VERSION: string = packageJson.version;

/** Variables that would point git somewhere else or inject config: gitfence's own git calls run without them. */
const SCRUBBED =
  /^(GIT_DIR|GIT_WORK_TREE|GIT_INDEX_FILE|GIT_OBJECT_DIRECTORY|GIT_ALTERNATE_OBJECT_DIRECTORIES|GIT_COMMON_DIR|GIT_NAMESPACE|GIT_CONFIG_PARAMETERS|GIT_CONFIG_COUNT|GIT_CONFIG_KEY_\d+|GIT_CONFIG_VALUE_\d+|GIT_EXTERNAL_DIFF|GIT_DIFF_OPTS|GIT_LITERAL_PATHSPECS|GIT_GLOB_PATHSPECS|GIT_NOGLOB_PATHSPECS|GIT_ICASE_PATHSPECS)$/;

export function scrubGitEnv(
  env: Record<string, string | undefined>,
): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !SCRUBBED.test(key)));
}

export function createPatchGitRunner(env: Record<string, string | undefined>): GitRunner {
  const shimDir = homePaths(gitfenceHomeFrom(env, homedir())).shimDir;
  return createPipeSafeGitRunner(resolveRealGit({ env, shimDir }), scrubGitEnv(env));
}

export async function requireRepo(
  cwd: string,
  git: GitRunner,
  command: string,
): Promise<RepoInfo & { topLevel: string }> {
  const repo = await discoverRepo(cwd, git);
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

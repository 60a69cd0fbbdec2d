/** Wiring the real world for the write-lock commands: the real git, the platform, the clock, the watchdog. */
import { GitfenceError } from '../errors.js';
import { discoverRepo, type RepoInfo } from '../repo/discover.js';
import { resolveRealGitFor } from '../shim/resolve-git.js';
import { ownGitRunner, type GitRunner } from '../util/git-runner.js';
import { createPlatform } from './platform.js';
import type { WriteLockDeps } from './service.js';
import { spawnWatchdog } from './watchdog.js';

export function createWriteLockDeps(
  env: Record<string, string | undefined>,
  now: () => number = Date.now,
): WriteLockDeps {
  return {
    // gitfence's own read-only calls must reach the real git: the shim would call back into us
    git: ownGitRunner(resolveRealGitFor(env, env.HOME ?? '/'), env, 'repository-at-cwd'),
    platform: createPlatform(env),
    now,
    startWatchdog: (request) => spawnWatchdog(request, env),
  };
}

export async function loadRepo(cwd: string, git: GitRunner): Promise<RepoInfo> {
  const repo = await discoverRepo(cwd, git);
  if (!repo) {
    throw new GitfenceError('NOT_A_REPOSITORY', 'not inside a git repository', {
      where: cwd,
      expected: 'a directory inside a git working tree or git dir',
      got: 'no repository',
      hint: 'run this inside the repository, or pass --cwd DIR',
    });
  }
  return repo;
}

/** A RepoInfo for a bare common dir (the watchdog knows only that). */
export function repoFromCommonDir(commonDir: string, stateDir: string): RepoInfo {
  return { topLevel: null, gitDir: commonDir, commonDir, stateDir };
}

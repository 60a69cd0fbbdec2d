/** The real git for gitfence's own reads: never the shim, whatever PATH or GITFENCE_REAL_GIT say. */
import { join, resolve } from 'node:path';
import { gitfenceHomeFrom, homePaths } from '../repo/state-paths.js';
import { gitEnvFor, type GitEnvPurpose } from '../util/git-env.js';
import { createGitRunner, type GitRunner } from '../util/git-runner.js';

/** The environment gitfence's own git processes run with: PATH without the shim directory. */
export function realGitEnv(
  env: Record<string, string | undefined>,
  home: string,
): { gitPath: string; env: Record<string, string | undefined> } {
  const shimDir = resolve(homePaths(gitfenceHomeFrom(env, home)).shimDir);
  const path = (env.PATH ?? '')
    .split(':')
    .filter((dir) => dir !== '' && resolve(dir) !== shimDir)
    .join(':');
  const override = env.GITFENCE_REAL_GIT;
  const gitPath =
    override &&
    resolve(override) !== join(shimDir, 'git') &&
    !resolve(override).startsWith(`${shimDir}/`)
      ? override
      : 'git';
  return { gitPath, env: { ...env, PATH: path } };
}

/** The shared runner (no stdin unless given input, EPIPE-safe) pointed at the real git, env cleaned for `purpose`. */
export function createRealGitRunner(
  env: Record<string, string | undefined>,
  home: string,
  purpose: GitEnvPurpose,
): GitRunner {
  // made on first use: most decisions never start git, and PATH filtering is per-entry work
  let runner: GitRunner | undefined;
  const real = (): GitRunner => {
    if (!runner) {
      const found = realGitEnv(env, home);
      runner = createGitRunner(found.gitPath, gitEnvFor(found.env, purpose));
    }
    return runner;
  };
  return {
    get gitPath() {
      return real().gitPath;
    },
    run: (args, options) => real().run(args, options),
  };
}

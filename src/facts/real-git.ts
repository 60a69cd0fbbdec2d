/**
 * The real git for gitfence's own reads. WHICH binary runs and WHAT environment it gets are separate:
 * the binary comes from a trusted source only (the gitfence process's own environment, or the path
 * `gitfence init` baked into the git hooks), never from the environment of the call being checked,
 * which an agent writes (`GITFENCE_REAL_GIT=/tmp/fake git …`, `PATH=/tmp/evil:$PATH git …`, and
 * every variable a git hook inherits). The call's environment still shapes what git reads.
 */
import { isAbsolute, resolve } from 'node:path';
import { GitfenceError } from '../errors.js';
import { gitfenceHomeFrom, homePaths } from '../repo/state-paths.js';
import { isShimFile, realFsProbe, resolveRealGitFor, type FsProbe } from '../shim/resolve-git.js';
import { gitEnvFor, type GitEnvPurpose } from '../util/git-env.js';
import { createGitRunner, type GitRunner } from '../util/git-runner.js';

type Env = Record<string, string | undefined>;

/** A git binary (absolute) and the environment gitfence runs it with. */
export interface RealGit {
  gitPath: string;
  env: Env;
}

export interface RealGitSource {
  /** The environment that chooses the binary (GITFENCE_REAL_GIT, else PATH); default: `env`. */
  locateFrom?: Env;
  /** A binary already chosen by a trusted source; wins over `locateFrom`. */
  gitPath?: string;
}

/**
 * The environment gitfence's own git runs with: the call's, with PATH minus the shim directory, and
 * without GIT_EXEC_PATH, through which the call would choose the helpers git runs (git exports it to
 * hooks and puts it first on PATH there), and without grafts.
 */
export function realGitEnv(env: Env, home: string): Env {
  const shimDir = resolve(homePaths(gitfenceHomeFrom(env, home)).shimDir);
  const path = (env.PATH ?? '')
    .split(':')
    .filter((dir) => dir !== '' && resolve(dir) !== shimDir)
    .join(':');
  // Grafts (GIT_GRAFT_FILE, info/grafts) give commits other parents, so other diffs and ancestry,
  // and --no-replace-objects keeps them; a path that cannot exist (ENOTDIR: no warning) ends them.
  const out: Env = { ...env, PATH: path, GIT_GRAFT_FILE: '/dev/null/no-grafts' };
  delete out.GIT_EXEC_PATH;
  return out;
}

/** The binary and environment for gitfence's own git: binary from `source`, environment from `env`. */
export function realGit(env: Env, home: string, source: RealGitSource = {}): RealGit {
  const locateFrom = source.locateFrom ?? env;
  return {
    // an absolute path: spawning a bare `git` would let the spawn environment's PATH choose it
    gitPath: source.gitPath ?? resolveRealGitFor(locateFrom, home),
    env: realGitEnv(env, home),
  };
}

/**
 * The git a hook script names with `--real-git` (baked in by `gitfence init`): an absolute path to
 * an executable that is not a shim, else a refusal; never re-resolved from the hook's environment.
 */
export function bakedRealGit(path: string, fs: FsProbe = realFsProbe): string {
  const fail = (got: string) =>
    new GitfenceError('CONFIG_INVALID', 'the git hook names no usable real git', {
      where: '--real-git',
      expected: 'the absolute path of the real git binary, as `gitfence init` wrote it',
      got,
      hint: 'run `gitfence init` in this repository again (git may have moved since it ran)',
    });
  if (!isAbsolute(path)) throw fail(path || '(empty)');
  if (!fs.isExecutableFile(path)) throw fail(`${path} (not an executable file)`);
  if (isShimFile(path, fs)) throw fail(`${path} (the gitfence shim)`);
  return path;
}

/** The shared runner (no stdin unless given input, EPIPE-safe) pointed at the real git, env cleaned for `purpose`. */
export function createRealGitRunner(
  env: Env,
  home: string,
  purpose: GitEnvPurpose,
  source: RealGitSource = {},
): GitRunner {
  // made on first use: most decisions never start git, and locating it is per-PATH-entry work
  let runner: GitRunner | undefined;
  const real = (): GitRunner => {
    if (!runner) {
      const found = realGit(env, home, source);
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

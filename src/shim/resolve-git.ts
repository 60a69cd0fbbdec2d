/** Finding the real git: scan PATH without the shim dir, follow symlinks, never pick the shim itself. */
import {
  accessSync,
  closeSync,
  constants,
  openSync,
  readSync,
  realpathSync,
  statSync,
} from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { GitfenceError } from '../errors.js';
import { gitfenceHomeFrom, homePaths } from '../repo/state-paths.js';

/** The first line of every shim gitfence writes; how a file is recognised as a shim. */
export const SHIM_MARKER = '# gitfence-shim';

export interface FsProbe {
  realpath(path: string): string | null;
  isExecutableFile(path: string): boolean;
  /** The first bytes of a file, or null when unreadable. */
  head(path: string): string | null;
}

export const realFsProbe: FsProbe = {
  // the C library's realpath: one call, where node's default walks every component in JavaScript
  realpath(path) {
    try {
      return realpathSync.native(path);
    } catch {
      return null;
    }
  },
  isExecutableFile(path) {
    try {
      if (!statSync(path).isFile()) return false;
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  },
  // the marker is in the first line: read 512 bytes, not a git binary of several megabytes
  head(path) {
    let fd: number | undefined;
    try {
      fd = openSync(path, 'r');
      const bytes = Buffer.alloc(512);
      return bytes.subarray(0, readSync(fd, bytes, 0, 512, 0)).toString('latin1');
    } catch {
      return null;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  },
};

/** A file is a gitfence shim when its head carries the marker (whatever its name or location). */
export function isShimFile(path: string, fs: FsProbe = realFsProbe): boolean {
  const head = fs.head(path);
  return head !== null && head.includes(SHIM_MARKER);
}

/** Every `git` on PATH, in order, with where it really points. */
export function listGitsOnPath(
  pathValue: string,
  fs: FsProbe = realFsProbe,
  name = 'git',
): Array<{ path: string; real: string; shim: boolean }> {
  const found: Array<{ path: string; real: string; shim: boolean }> = [];
  const seen = new Set<string>();
  for (const dir of pathValue.split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    const candidate = join(dir, name);
    if (seen.has(candidate) || !fs.isExecutableFile(candidate)) continue;
    seen.add(candidate);
    const real = fs.realpath(candidate) ?? candidate;
    found.push({ path: candidate, real, shim: isShimFile(real, fs) });
  }
  return found;
}

export interface ResolveGitOptions {
  env: Record<string, string | undefined>;
  /** The directory the shim lives in: never searched. */
  shimDir: string;
  fs?: FsProbe;
}

/**
 * The real git as an absolute, symlink-free path. `GITFENCE_REAL_GIT` wins when it is a real git;
 * pointing it at a shim is refused, because the shim would then run itself.
 */
export function resolveRealGit({ env, shimDir, fs = realFsProbe }: ResolveGitOptions): string {
  const shimDirReal = fs.realpath(shimDir) ?? resolve(shimDir);
  const override = env.GITFENCE_REAL_GIT;
  if (override) {
    const real = fs.realpath(override);
    if (!real || !fs.isExecutableFile(real)) {
      throw new GitfenceError('CONFIG_INVALID', 'GITFENCE_REAL_GIT is not an executable file', {
        where: 'GITFENCE_REAL_GIT',
        expected: 'the absolute path of the real git binary',
        got: override,
        hint: 'unset GITFENCE_REAL_GIT or point it at the real git (for example /usr/bin/git)',
      });
    }
    if (isShimFile(real, fs) || resolve(real, '..') === shimDirReal) {
      throw new GitfenceError('CONFIG_INVALID', 'GITFENCE_REAL_GIT points at the gitfence shim', {
        where: 'GITFENCE_REAL_GIT',
        expected: 'the real git binary, not the shim',
        got: `${override} → ${real}`,
        hint: 'unset GITFENCE_REAL_GIT or point it at the real git (for example /usr/bin/git)',
      });
    }
    return real;
  }
  const searched: string[] = [];
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    const dirReal = fs.realpath(dir) ?? resolve(dir);
    if (dirReal === shimDirReal) continue;
    searched.push(dir);
    const candidate = join(dir, 'git');
    if (!fs.isExecutableFile(candidate)) continue;
    const real = fs.realpath(candidate);
    if (!real || isShimFile(real, fs) || resolve(real, '..') === shimDirReal) continue;
    return real;
  }
  throw new GitfenceError('CONFIG_INVALID', 'no real git found on PATH', {
    where: 'PATH',
    expected: 'a git binary in a PATH directory other than the shim directory',
    got: searched.length ? searched.join(delimiter) : '(empty PATH)',
    hint: 'install git, or set GITFENCE_REAL_GIT to its absolute path',
  });
}

/** The real git for an environment, skipping the shim directory under its gitfence home. */
export function resolveRealGitFor(
  env: Record<string, string | undefined>,
  home: string,
  fs: FsProbe = realFsProbe,
): string {
  return resolveRealGit({ env, shimDir: homePaths(gitfenceHomeFrom(env, home)).shimDir, fs });
}

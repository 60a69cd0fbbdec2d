/** Applying and removing the lock on disk: immutable flags (chattr / chflags) or permission bits. */
import { chmod, stat } from 'node:fs/promises';
import { GitfenceError } from '../errors.js';
import type { LockTargets } from './targets.js';
import type { Platform } from './platform.js';

export type ImmutableFlag = 'i' | 'uchg' | 'schg';

/** Why immutable mode is not possible here, or null when it is. */
export function immutableUnavailableReason(platform: Platform): string | null {
  const { facts } = platform;
  if (facts.os === 'linux') {
    if (!facts.chattr) return '`chattr` is not installed (e2fsprogs)';
    if (!facts.canSetImmutable) {
      return 'this process lacks CAP_LINUX_IMMUTABLE (run `lock` as root to use immutable flags)';
    }
    return null;
  }
  if (facts.os === 'darwin') return facts.chflags ? null : '`chflags` is not on PATH';
  return 'immutable flags are supported on Linux and macOS only';
}

export function immutableFlagFor(platform: Platform): ImmutableFlag {
  if (platform.facts.os === 'linux') return 'i';
  // schg cannot be cleared by the owner, only by root; uchg can be cleared by its owner.
  return platform.facts.isRoot ? 'schg' : 'uchg';
}

/** Split a long path list into argv-sized batches. */
export function batchPaths(paths: string[], budget = 64 * 1024): string[][] {
  const batches: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const path of paths) {
    if (current.length > 0 && size + path.length + 1 > budget) {
      batches.push(current);
      current = [];
      size = 0;
    }
    current.push(path);
    size += path.length + 1;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

function flagArgs(flag: ImmutableFlag, on: boolean, paths: string[]): string[] {
  if (flag === 'i') return [on ? '+i' : '-i', '--', ...paths];
  return [on ? flag : `no${flag}`, ...paths];
}

async function setFlags(
  platform: Platform,
  flag: ImmutableFlag,
  on: boolean,
  paths: string[],
): Promise<{ ok: boolean; stderr: string }> {
  const tool = flag === 'i' ? platform.facts.chattr : platform.facts.chflags;
  if (!tool) return { ok: false, stderr: `no ${flag === 'i' ? 'chattr' : 'chflags'} on PATH` };
  let ok = true;
  const errors: string[] = [];
  for (const batch of batchPaths(paths)) {
    const result = await platform.run(tool, flagArgs(flag, on, batch));
    if (result.code !== 0) {
      ok = false;
      errors.push(result.stderr.trim());
    }
  }
  return { ok, stderr: errors.join('\n') };
}

/** Files first, then directories: every path in one list for the flag tools. */
function allPaths(targets: LockTargets): string[] {
  return [...targets.files, ...targets.dirs];
}

export async function applyImmutable(
  platform: Platform,
  targets: LockTargets,
  flag: ImmutableFlag,
): Promise<void> {
  const result = await setFlags(platform, flag, true, allPaths(targets));
  if (!result.ok) {
    // Leave nothing half-locked behind.
    await setFlags(platform, flag, false, allPaths(targets));
    throw new GitfenceError('IO', 'could not set immutable flags on the git dirs', {
      where: targets.dirs[0],
      got: result.stderr.split('\n')[0] ?? '',
      hint: 'use `writeLock: { mode: "chmod" }` in the policy, or run as a user allowed to set the flags',
    });
  }
}

export async function removeImmutable(
  platform: Platform,
  targets: LockTargets,
  flag: ImmutableFlag,
): Promise<void> {
  const result = await setFlags(platform, flag, false, allPaths(targets));
  if (!result.ok) {
    throw new GitfenceError('IO', 'could not clear the immutable flags on the git dirs', {
      where: targets.dirs[0],
      got: result.stderr.split('\n')[0] ?? '',
      hint:
        flag === 'i'
          ? 'clearing `+i` needs CAP_LINUX_IMMUTABLE: run the command as root'
          : `clearing \`${flag}\` needs ${flag === 'schg' ? 'root' : 'the owner or root'}`,
    });
  }
}

/** chmod mode: the bits to restore later, read before anything is changed. */
export async function gatherModes(targets: LockTargets): Promise<Record<string, number>> {
  const modes: Record<string, number> = {};
  for (const path of allPaths(targets)) {
    try {
      modes[path] = (await stat(path)).mode & 0o7777;
    } catch {
      // vanished meanwhile
    }
  }
  return modes;
}

export async function applyChmod(
  targets: LockTargets,
  modes: Record<string, number>,
): Promise<void> {
  try {
    for (const [path, bits] of Object.entries(modes)) await chmod(path, bits & ~0o222);
  } catch (error) {
    await removeChmod(targets, modes);
    throw new GitfenceError('IO', `could not make the git dirs read-only: ${String(error)}`, {
      hint: 'you must own the repository to lock it in chmod mode',
    });
  }
}

export async function removeChmod(
  targets: LockTargets,
  modes: Record<string, number> | undefined,
): Promise<void> {
  const paths = new Set([...allPaths(targets), ...Object.keys(modes ?? {})]);
  for (const path of paths) {
    try {
      const recorded = modes?.[path];
      if (recorded !== undefined) {
        await chmod(path, recorded);
      } else {
        const info = await stat(path);
        await chmod(path, (info.mode & 0o7777) | 0o200);
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new GitfenceError('IO', `could not restore write permission: ${String(error)}`, {
        where: path,
        hint: 'run `git-write-lock unlock` as the repository owner',
      });
    }
  }
}

/**
 * The write-lock record `<common>/gitfence/writelock.json`: what we locked, how, and the push-window
 * lease. Read-modify-write happens under an exclusive-create mutex; writes are temp → fsync → rename.
 */
import { randomBytes } from 'node:crypto';
import { link, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { GitfenceError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';

export type LockMode = 'immutable' | 'chmod';

export interface WriteLockLease {
  holder: string;
  token: number;
  acquiredAt: number;
  expiresAt: number;
  watchdogPid?: number;
  /** Lock again when the window closes (it was locked when the window opened). */
  rearm: boolean;
}

export interface WriteLockState {
  format: 'gitfence/writelock@1';
  /** What the repository should be: `locked` means flags/bits are applied. */
  state: 'locked' | 'unlocked';
  /** The mode of the last lock; kept while a push window is open so the re-arm uses the same. */
  mode?: LockMode;
  /** immutable flavour actually used: chattr `i`, chflags `uchg` or `schg`. */
  flag?: 'i' | 'uchg' | 'schg';
  lockedAt?: number;
  updatedAt: number;
  /** Who last changed it and how: `lock`, `unlock`, `unlock-for-push`, `relock`, `watchdog`, `lazy`. */
  by: string;
  /** chmod mode: the original permission bits of every path we made read-only. */
  modes?: Record<string, number>;
  /** The push window, while one is open. */
  lease: WriteLockLease | null;
  /** Fencing tokens only ever increase. */
  lastToken: number;
}

// Hand-written rather than zod: this record is read on the hot path of every delegated git call.
type Check = (value: unknown) => boolean;
const isNumber: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const isInt: Check = (v) => Number.isInteger(v);
const oneOf =
  (...values: unknown[]): Check =>
  (v) =>
    values.includes(v);
const optional =
  (check: Check): Check =>
  (v) =>
    v === undefined || check(v);

const LEASE_FIELDS: Record<string, Check> = {
  holder: (v) => typeof v === 'string' && v.length > 0,
  token: (v) => isInt(v) && (v as number) > 0,
  acquiredAt: isNumber,
  expiresAt: isNumber,
  watchdogPid: optional(isInt),
  rearm: optional((v) => typeof v === 'boolean'),
};

const STATE_FIELDS: Record<string, Check> = {
  format: oneOf('gitfence/writelock@1'),
  state: oneOf('locked', 'unlocked'),
  mode: optional(oneOf('immutable', 'chmod')),
  flag: optional(oneOf('i', 'uchg', 'schg')),
  lockedAt: optional(isNumber),
  updatedAt: isNumber,
  by: (v) => typeof v === 'string',
  modes: optional(
    (v) => typeof v === 'object' && v !== null && Object.values(v).every((bits) => isInt(bits)),
  ),
  lease: (v) => v === null || (typeof v === 'object' && firstBadField(v, LEASE_FIELDS) === null),
  lastToken: (v) => isInt(v) && (v as number) >= 0,
};

function firstBadField(value: object, fields: Record<string, Check>): string | null {
  const record = value as Record<string, unknown>;
  for (const [key, check] of Object.entries(fields)) if (!check(record[key])) return key;
  return null;
}

export function initialState(now: number): WriteLockState {
  return {
    format: 'gitfence/writelock@1',
    state: 'unlocked',
    updatedAt: now,
    by: 'default',
    lease: null,
    lastToken: 0,
  };
}

export function parseState(text: string, file: string): WriteLockState {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new GitfenceError(
      'CONFIG_INVALID',
      'the write-lock record is not valid JSON',
      {
        where: file,
        expected: 'a gitfence/writelock@1 JSON object',
        got: text.slice(0, 60),
        hint: 'run `git-write-lock unlock` (as the human) to reset it, then lock again',
      },
      { cause: error },
    );
  }
  const bad =
    typeof json === 'object' && json !== null ? firstBadField(json, STATE_FIELDS) : '(root)';
  if (bad !== null) {
    throw new GitfenceError('CONFIG_INVALID', 'the write-lock record is malformed', {
      where: `${file} › ${bad}`,
      expected: 'a gitfence/writelock@1 record',
      got: JSON.stringify((json as Record<string, unknown> | null)?.[bad] ?? json)?.slice(0, 60),
      hint: 'run `git-write-lock unlock` (as the human) to reset it, then lock again',
    });
  }
  const state = json as WriteLockState;
  if (state.lease) state.lease.rearm ??= false;
  return state;
}

/** null when there is no record yet (never locked: the default is unlocked). */
export async function loadState(file: string): Promise<WriteLockState | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new GitfenceError('IO', `cannot read the write-lock record: ${String(error)}`, {
      where: file,
    });
  }
  return parseState(text, file);
}

export async function saveState(file: string, state: WriteLockState): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(state, null, 2)}\n`);
}

export interface MutexOptions {
  /** How long to wait for the mutex before giving up. */
  waitMs?: number;
  /** A mutex file older than this is from a crashed process and is broken. */
  staleMs?: number;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Run `body` holding `<file>.lock`, created with O_EXCL; a dead holder's mutex is broken. */
export async function withStateMutex<T>(
  file: string,
  body: () => Promise<T>,
  options: MutexOptions = {},
): Promise<T> {
  const lockFile = `${file}.lock`;
  const waitMs = options.waitMs ?? 10_000;
  const staleMs = options.staleMs ?? 30_000;
  const id = `${process.pid} ${randomBytes(6).toString('hex')}\n`;
  const started = Date.now();
  for (let attempt = 0; ; attempt += 1) {
    try {
      const handle = await open(lockFile, 'wx', 0o644);
      await handle.writeFile(id);
      await handle.close();
      break;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') {
        throw new GitfenceError('IO', `cannot take the write-lock mutex: ${String(error)}`, {
          where: lockFile,
          hint: 'the gitfence state dir must stay writable; check `gitfence doctor`',
        });
      }
      const stale = await staleMutexContent(lockFile, staleMs);
      if (stale !== null) {
        await breakStaleMutex(lockFile, stale);
        continue;
      }
      if (Date.now() - started > waitMs) {
        throw new GitfenceError('INTERNAL', 'timed out waiting for the write-lock mutex', {
          where: lockFile,
          hint: 'another gitfence write-lock command is running; if none is, delete this file',
        });
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(10 + attempt * 5, 100)));
    }
  }
  try {
    return await body();
  } finally {
    // Remove only our own mutex, never one a stale-breaker let someone else take.
    const current = await readFile(lockFile, 'utf8').catch(() => null);
    if (current === id) await rm(lockFile, { force: true });
  }
}

/** The content of a mutex whose holder is dead (or that is very old), else null. */
async function staleMutexContent(lockFile: string, staleMs: number): Promise<string | null> {
  try {
    const [info, text] = await Promise.all([stat(lockFile), readFile(lockFile, 'utf8')]);
    const pid = Number.parseInt(text.trim(), 10);
    if (Number.isInteger(pid) && pid > 0 && !pidAlive(pid)) return text;
    return Date.now() - info.mtimeMs > staleMs ? text : null;
  } catch {
    // Vanished or half-written (the holder is between create and write): not stale yet.
    return null;
  }
}

/**
 * Move the stale mutex aside (only one breaker's rename succeeds), and if what was moved is not the
 * mutex judged stale (a live one taken meanwhile), put it back with link(), which never overwrites.
 */
async function breakStaleMutex(lockFile: string, judged: string): Promise<void> {
  const aside = `${lockFile}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await rename(lockFile, aside);
  } catch {
    return; // someone else broke it first
  }
  const moved = await readFile(aside, 'utf8').catch(() => judged);
  if (moved !== judged) await link(aside, lockFile).catch(() => undefined);
  await rm(aside, { force: true });
}

/** Is the lease still running at `now`? */
export function leaseActive(state: WriteLockState | null, now: number): boolean {
  return state?.lease != null && state.lease.expiresAt > now;
}

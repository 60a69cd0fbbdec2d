/**
 * The write-lock record `<common>/gitfence/writelock.json`: what we locked, how, and the push-window
 * lease. Read-modify-write happens under the lease store's file lock; writes are temp → fsync → rename.
 */
import { readFile } from 'node:fs/promises';
import { GitfenceError } from '../errors.js';
import { acquireFileLock } from '../scopes/file-lock.js';
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

/**
 * Run `body` holding `<file>.lock`: the lease store's lock (scopes/file-lock), whose holder record
 * (pid, host, start ticks, nonce) tells a dead holder from a recycled pid and whose takeover never
 * lets two processes hold it.
 */
export async function withStateMutex<T>(
  file: string,
  body: () => Promise<T>,
  options: { waitMs?: number } = {},
): Promise<T> {
  const held = await acquireFileLock(`${file}.lock`, {
    waitMs: options.waitMs ?? 10_000,
    what: 'the write-lock record',
  });
  try {
    return await body();
  } finally {
    await held.release();
  }
}

/** Is the lease still running at `now`? */
export function leaseActive(state: WriteLockState | null, now: number): boolean {
  return state?.lease != null && state.lease.expiresAt > now;
}

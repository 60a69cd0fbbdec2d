/**
 * The lease store's mutex: an exclusively created lock file recording its holder, with stale
 * takeover that never lets two processes hold it.
 *
 * Why this is safe (the argument docs/lock-scopes.md repeats):
 *
 * 1. Complete records. A contender writes its identity (pid, host, start ticks, a random nonce) to
 *    a private temp file opened O_EXCL, fsyncs it, then link(2)s it to `lock`. link fails with
 *    EEXIST when `lock` exists, so it is the exclusive create, and `lock` never exists half written:
 *    a kill -9 anywhere leaves either no lock or a lock whose holder can be identified.
 * 2. Mutual exclusion among live processes: the holder is whoever's link succeeded.
 * 3. Who may remove `lock` holding nonce N: its holder (on release), or the one process holding the
 *    claim `lock.break.N`, created the same exclusive way, after finding holder N certainly dead
 *    (same host, and the pid is gone, a zombie, or recycled: its start ticks differ). Nonces are
 *    random and never reused, so a claim for N can never authorise removing a different lock.
 * 4. The claimant re-reads `lock` and unlinks it only if it still holds nonce N. Between that read
 *    and the unlink `lock` cannot change: its holder is dead, and any other remover would need the
 *    claim for N, which we hold. So a live holder's lock is never removed, and no two processes ever
 *    hold the lock at once. A claimant that dies is itself a dead holder of `lock.break.N`, broken by
 *    the same procedure one level up (`lock.break.N.break.M`).
 * 5. Liveness we cannot judge (a holder on another host sharing the directory) is treated as alive
 *    until the lock is older than UNKNOWN_STALE_MS: the one place where safety rests on time, with a
 *    bound orders of magnitude above the millisecond critical section.
 */
import { randomBytes } from 'node:crypto';
import { link, open, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { join, basename, dirname } from 'node:path';
import { GitfenceError } from '../errors.js';
import { currentProcess, livenessOf, type ProcessIdentity } from './process-identity.js';

export const UNKNOWN_STALE_MS = 10 * 60_000;
const MAX_BREAK_DEPTH = 4;

interface LockRecord extends ProcessIdentity {
  nonce: string;
  /** Wall clock of the holder, informational only. */
  at: number;
}

/** Named points of a write, so tests can kill a real child process exactly there. */
export type CrashPoint =
  | 'lock-temp-written'
  | 'lock-linked'
  | 'history-appended'
  | 'state-temp-written'
  | 'state-renamed'
  | 'before-unlock';

export interface FileLockOptions {
  /** How long to wait for a live holder before giving up. */
  waitMs?: number;
  /** What the lock guards, for the busy error (default: the lease store). */
  what?: string;
  sleep?: (ms: number) => Promise<void>;
  /** Called at each crash point (tests only; no environment reaches it). */
  onStep?: (point: CrashPoint) => void;
}

export interface HeldLock {
  path: string;
  nonce: string;
  release(): Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function errno(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** Create `path` holding `content`, atomically and only if absent. */
async function createExclusive(
  path: string,
  content: string,
  onStep?: (point: CrashPoint) => void,
): Promise<boolean> {
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temp, 'wx', 0o644);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    onStep?.('lock-temp-written');
    await link(temp, path);
    onStep?.('lock-linked');
    return true;
  } catch (error) {
    if (errno(error) === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

async function readRecord(path: string): Promise<LockRecord | null | 'absent'> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (errno(error) === 'ENOENT') return 'absent';
    throw error;
  }
  try {
    const value = JSON.parse(text) as Partial<LockRecord>;
    if (typeof value.pid !== 'number' || typeof value.nonce !== 'string') return null;
    return {
      pid: value.pid,
      host: String(value.host ?? ''),
      startTicks: value.startTicks ?? null,
      nonce: value.nonce,
      at: Number(value.at ?? 0),
    };
  } catch {
    return null;
  }
}

function newRecord(now: number): LockRecord {
  return { ...currentProcess(), nonce: randomBytes(8).toString('hex'), at: now };
}

async function isStale(path: string, record: LockRecord | null): Promise<boolean> {
  const liveness = record ? livenessOf(record) : 'unknown';
  if (liveness === 'dead') return true;
  if (liveness === 'alive') return false;
  try {
    return Date.now() - (await stat(path)).mtimeMs > UNKNOWN_STALE_MS;
  } catch {
    return false;
  }
}

/**
 * Remove the stale lock at `path` that held `nonce` (or was unreadable: nonce null), via the claim
 * `path.break.<nonce>`. Returns when done or when someone else is doing it; the caller retries.
 */
async function breakStale(path: string, nonce: string | null, depth: number): Promise<void> {
  if (depth > MAX_BREAK_DEPTH) return;
  const claimPath = `${path}.break.${nonce ?? 'unreadable'}`;
  const claim = newRecord(Date.now());
  if (!(await createExclusive(claimPath, JSON.stringify(claim)))) {
    const other = await readRecord(claimPath);
    if (other === 'absent') return;
    if (await isStale(claimPath, other))
      await breakStale(claimPath, other?.nonce ?? null, depth + 1);
    return;
  }
  try {
    const current = await readRecord(path);
    if (current !== 'absent' && (current?.nonce ?? null) === nonce) {
      await unlink(path).catch((error) => {
        if (errno(error) !== 'ENOENT') throw error;
      });
    }
  } finally {
    await unlink(claimPath).catch(() => undefined);
  }
}

/** Remove what crashed writers left behind: temp files and claims of dead processes. */
async function sweepLitter(dir: string, lockName: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const full = join(dir, name);
    const temp = /^.*\.(\d+)\.[0-9a-f]+\.tmp$/.exec(name);
    if (temp) {
      if (livenessOf({ ...currentProcess(), pid: Number(temp[1]), startTicks: null }) === 'dead') {
        await unlink(full).catch(() => undefined);
      }
      continue;
    }
    if (name.startsWith(`${lockName}.break.`)) {
      const record = await readRecord(full);
      if (record !== 'absent' && (await isStale(full, record))) {
        await unlink(full).catch(() => undefined);
      }
    }
  }
}

export async function acquireFileLock(
  lockPath: string,
  options: FileLockOptions = {},
): Promise<HeldLock> {
  const { waitMs = 30_000, sleep = defaultSleep, onStep, what = 'the lease store' } = options;
  const deadline = Date.now() + waitMs;
  let pause = 1;
  let lastHolder: LockRecord | null = null;
  for (;;) {
    const mine = newRecord(Date.now());
    if (await createExclusive(lockPath, JSON.stringify(mine), onStep)) {
      await sweepLitter(dirname(lockPath), basename(lockPath));
      return {
        path: lockPath,
        nonce: mine.nonce,
        async release() {
          onStep?.('before-unlock');
          // By the argument above `lock` is still ours: no one removes a live holder's lock.
          await unlink(lockPath).catch((error) => {
            if (errno(error) !== 'ENOENT') throw error;
          });
        },
      };
    }
    const holder = await readRecord(lockPath);
    if (holder === 'absent') continue;
    lastHolder = holder;
    if (await isStale(lockPath, holder)) {
      await breakStale(lockPath, holder?.nonce ?? null, 0);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new GitfenceError('IO', `${what} is busy`, {
        where: lockPath,
        expected: `the lock to be released within ${Math.round(waitMs / 1000)}s`,
        got: lastHolder
          ? `held by pid ${lastHolder.pid} on ${lastHolder.host} since ${new Date(lastHolder.at).toISOString()}`
          : 'an unreadable lock file',
        hint: 'if that process is stuck, stop it; a dead holder is taken over automatically',
      });
    }
    // Jittered backoff so fifty contenders do not retry in lockstep.
    await sleep(pause + Math.random() * pause);
    pause = Math.min(pause * 2, 25);
  }
}

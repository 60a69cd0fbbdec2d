/**
 * The write-lock operations: lock, unlock, unlock-for-push, relock and the re-arm on lease expiry.
 * Every read-modify-write of the record happens under its mutex. The record errs toward "locked":
 * it says locked before flags go on, and unlocked only after they are off.
 */
import { mkdir } from 'node:fs/promises';
import { GitfenceError } from '../errors.js';
import type { WriteLockFact } from '../evaluate/types.js';
import type { RepoInfo } from '../repo/discover.js';
import { statePaths } from '../repo/state-paths.js';
import type { GitRunner } from '../util/git-runner.js';
import {
  applyChmod,
  applyImmutable,
  gatherModes,
  immutableFlagFor,
  immutableUnavailableReason,
  removeChmod,
  removeImmutable,
} from './apply.js';
import { compileWriteLockFact } from './facts.js';
import type { Platform } from './platform.js';
import { probeWritable, READ_ONLY_ERRNOS } from './probe.js';
import { loadWriteLockSettings, type WriteLockSettings } from './settings.js';
import {
  initialState,
  leaseActive,
  loadState,
  saveState,
  withStateMutex,
  type LockMode,
  type WriteLockLease,
  type WriteLockState,
} from './state.js';
import { gatherLockTargets } from './targets.js';

export interface WatchdogRequest {
  commonDir: string;
  token: number;
  expiresAt: number;
}

export interface WriteLockDeps {
  git: GitRunner;
  platform: Platform;
  now: () => number;
  /** Start the detached watchdog; returns its pid. */
  startWatchdog: (request: WatchdogRequest) => number | undefined;
  /** The policy's settings; read from the compiled policy by default. */
  loadSettings?: (stateDir: string) => Promise<WriteLockSettings>;
}

export interface OperationResult {
  /** What happened, one line for humans. */
  message: string;
  state: WriteLockState;
  fact: WriteLockFact;
  notes: string[];
}

const recordFile = (repo: RepoInfo) => statePaths(repo.stateDir).writeLock;

async function settingsFor(repo: RepoInfo, deps: WriteLockDeps): Promise<WriteLockSettings> {
  return (deps.loadSettings ?? loadWriteLockSettings)(repo.stateDir);
}

function externalError(repo: RepoInfo, errno: string, action: string): GitfenceError {
  return new GitfenceError('DENIED', `the git dir is read-only by something other than gitfence`, {
    where: repo.commonDir,
    expected: 'a git dir gitfence can write (or one gitfence locked)',
    got: `${errno} when creating a file there: locked (external)`,
    hint: `gitfence never changes an external lock; ${action} where .git is writable (see \`gitfence mount-root --path ${repo.commonDir}\`)`,
  });
}

/** A lock gitfence did not make: a read-only mount, a sandbox, someone else's flags. */
async function detectExternal(repo: RepoInfo): Promise<string | null> {
  const probe = await probeWritable(repo.commonDir);
  return !probe.writable && READ_ONLY_ERRNOS.has(probe.errno) ? probe.errno : null;
}

/** Pick the mode: the policy's, with `auto` meaning immutable flags where possible, else chmod. */
export function resolveLockMode(
  requested: WriteLockSettings['mode'],
  platform: Platform,
): { mode: LockMode; note?: string } {
  const reason = immutableUnavailableReason(platform);
  if (requested === 'chmod') return { mode: 'chmod' };
  if (requested === 'immutable') {
    if (reason) {
      throw new GitfenceError(
        'CONFIG_INVALID',
        'the policy asks for immutable mode, which is not available here',
        {
          where: 'gitfence.policy.ts › writeLock.mode',
          expected: 'a platform where immutable flags can be set',
          got: reason,
          hint: 'set `writeLock: { mode: "auto" }` (falls back to chmod) or run as root',
        },
      );
    }
    return { mode: 'immutable' };
  }
  return reason
    ? { mode: 'chmod', note: `immutable flags unavailable: ${reason}` }
    : { mode: 'immutable' };
}

export function rootCaveat(
  platform: Platform,
  mode: LockMode | 'external' | undefined,
): string | null {
  return mode === 'chmod' && platform.facts.isRoot
    ? 'chmod mode relies on permission bits, which root ignores: a git running as root can still write .git'
    : null;
}

/** Put the lock on disk. The record is saved as locked first, so a crash midway still reads as locked. */
async function engage(
  repo: RepoInfo,
  deps: WriteLockDeps,
  state: WriteLockState,
  preferred: LockMode | undefined,
  by: string,
): Promise<{ state: WriteLockState; notes: string[] }> {
  const notes: string[] = [];
  const settings = await settingsFor(repo, deps);
  const chosen = preferred ? { mode: preferred } : resolveLockMode(settings.mode, deps.platform);
  if ('note' in chosen && chosen.note) notes.push(chosen.note);
  const targets = await gatherLockTargets(repo, deps.git);
  const now = deps.now();
  if (chosen.mode === 'immutable') {
    const flag = immutableFlagFor(deps.platform);
    const next: WriteLockState = {
      ...state,
      state: 'locked',
      mode: 'immutable',
      flag,
      modes: undefined,
      lockedAt: now,
      updatedAt: now,
      by,
      lease: null,
    };
    await saveState(recordFile(repo), next);
    try {
      await applyImmutable(deps.platform, targets, flag);
      return { state: next, notes };
    } catch (error) {
      if (settings.mode !== 'auto' || preferred) {
        await saveState(recordFile(repo), { ...state, updatedAt: deps.now() });
        throw error;
      }
      notes.push(`immutable flags failed, fell back to chmod: ${(error as Error).message}`);
    }
  }
  const modes = await gatherModes(targets);
  const next: WriteLockState = {
    ...state,
    state: 'locked',
    mode: 'chmod',
    flag: undefined,
    modes,
    lockedAt: now,
    updatedAt: now,
    by,
    lease: null,
  };
  await saveState(recordFile(repo), next);
  try {
    await applyChmod(targets, modes);
  } catch (error) {
    await saveState(recordFile(repo), { ...state, updatedAt: deps.now() });
    throw error;
  }
  const caveat = rootCaveat(deps.platform, 'chmod');
  if (caveat) notes.push(caveat);
  return { state: next, notes };
}

/** Take the lock off disk; the caller saves the record afterwards. */
async function disengage(
  repo: RepoInfo,
  deps: WriteLockDeps,
  state: WriteLockState,
): Promise<void> {
  const targets = await gatherLockTargets(repo, deps.git);
  if (state.mode === 'chmod') {
    await removeChmod(targets, state.modes);
  } else {
    await removeImmutable(deps.platform, targets, state.flag ?? immutableFlagFor(deps.platform));
  }
}

async function ensureStateDir(repo: RepoInfo): Promise<void> {
  try {
    await mkdir(repo.stateDir, { recursive: true });
  } catch (error) {
    // Recursive mkdir on a read-only mount can report ENOENT: ask the probe instead of the errno.
    const errno = await detectExternal(repo);
    if (errno) throw externalError(repo, errno, 'run it');
    throw new GitfenceError('IO', `cannot create the gitfence state dir: ${String(error)}`, {
      where: repo.stateDir,
      hint: 'the git common dir must be writable once, to create gitfence/ (run `gitfence bootstrap`)',
    });
  }
}

function result(
  message: string,
  state: WriteLockState,
  deps: WriteLockDeps,
  notes: string[] = [],
): OperationResult {
  return { message, state, fact: compileWriteLockFact(state, null, deps.now()), notes };
}

export async function lockRepo(repo: RepoInfo, deps: WriteLockDeps): Promise<OperationResult> {
  const existing = await loadState(recordFile(repo)).catch(() => null);
  if (existing?.state !== 'locked') {
    const errno = await detectExternal(repo);
    if (errno) {
      return {
        message: `locked (external): ${errno} on ${repo.commonDir}; gitfence leaves it as it is`,
        state: existing ?? initialState(deps.now()),
        fact: { state: 'locked', mode: 'external' },
        notes: [],
      };
    }
  }
  await ensureStateDir(repo);
  return withStateMutex(recordFile(repo), async () => {
    const state = (await loadState(recordFile(repo))) ?? initialState(deps.now());
    if (state.state === 'locked') {
      return result(`already locked (${state.mode ?? 'immutable'})`, state, deps);
    }
    const { state: next, notes } = await engage(repo, deps, state, undefined, 'lock');
    return result(`locked (${next.mode})`, next, deps, notes);
  });
}

/** The human's unlock: no lease, no re-arm; an open push window is closed too. */
export async function unlockRepo(repo: RepoInfo, deps: WriteLockDeps): Promise<OperationResult> {
  await ensureStateDir(repo);
  return withStateMutex(recordFile(repo), async () => {
    let state: WriteLockState;
    try {
      state = (await loadState(recordFile(repo))) ?? initialState(deps.now());
    } catch {
      // A corrupt record: clear whatever flags we may have set, then start afresh.
      state = { ...initialState(deps.now()), state: 'locked', mode: 'immutable' };
    }
    if (state.state !== 'locked') {
      const errno = await detectExternal(repo);
      if (errno) throw externalError(repo, errno, 'unlock it');
      const next = { ...state, lease: null, updatedAt: deps.now(), by: 'unlock' };
      if (state.lease) await saveState(recordFile(repo), next);
      return result('already unlocked', next, deps);
    }
    await disengage(repo, deps, state);
    const next: WriteLockState = {
      ...state,
      state: 'unlocked',
      modes: undefined,
      lease: null,
      updatedAt: deps.now(),
      by: 'unlock',
    };
    await saveState(recordFile(repo), next);
    return result('unlocked', next, deps);
  });
}

export interface PushWindowRequest {
  holder: string;
  /** Lease length; the policy's `writeLock.pushWindowTtl` when absent. */
  ttlMs?: number;
}

export interface PushWindow extends OperationResult {
  lease: WriteLockLease;
}

function conflict(lease: WriteLockLease, what: string): GitfenceError {
  return new GitfenceError('LOCK_CONFLICT', `${what}: the push window is held by ${lease.holder}`, {
    where: 'write-lock lease',
    expected: 'no other active push window',
    got: `holder ${lease.holder}, token ${lease.token}, expires ${new Date(lease.expiresAt).toISOString()}`,
    hint: `wait until it expires or ${lease.holder} runs \`git-write-lock relock --holder ${lease.holder}\``,
  });
}

export async function unlockForPush(
  repo: RepoInfo,
  deps: WriteLockDeps,
  request: PushWindowRequest,
): Promise<PushWindow> {
  if (!request.holder.trim()) {
    throw new GitfenceError('USAGE', 'unlock-for-push needs a holder name', {
      expected: '--holder NAME',
      got: JSON.stringify(request.holder),
    });
  }
  await ensureStateDir(repo);
  const ttlMs = request.ttlMs ?? (await settingsFor(repo, deps)).pushWindowTtlMs;
  const opened = await withStateMutex(recordFile(repo), async () => {
    const state = (await loadState(recordFile(repo))) ?? initialState(deps.now());
    const now = deps.now();
    if (state.lease && leaseActive(state, now) && state.lease.holder !== request.holder) {
      throw conflict(state.lease, 'cannot open a push window');
    }
    if (state.state !== 'locked') {
      const errno = await detectExternal(repo);
      if (errno) throw externalError(repo, errno, 'open the push window');
    }
    // Re-arm afterwards if .git was locked, or if this renews a window that was going to re-arm.
    const rearm = state.state === 'locked' || (state.lease?.rearm ?? false);
    if (state.state === 'locked') await disengage(repo, deps, state);
    const token = state.lastToken + 1;
    const lease = { holder: request.holder, token, acquiredAt: now, expiresAt: now + ttlMs, rearm };
    const next: WriteLockState = {
      ...state,
      state: 'unlocked',
      modes: undefined,
      lease,
      lastToken: token,
      updatedAt: now,
      by: 'unlock-for-push',
    };
    await saveState(recordFile(repo), next);
    return next;
  });
  const lease = opened.lease!;
  const pid = deps.startWatchdog({
    commonDir: repo.commonDir,
    token: lease.token,
    expiresAt: lease.expiresAt,
  });
  let state = opened;
  if (pid !== undefined) {
    state = await withStateMutex(recordFile(repo), async () => {
      const current = await loadState(recordFile(repo));
      if (!current?.lease || current.lease.token !== lease.token) return current ?? opened;
      const next = { ...current, lease: { ...current.lease, watchdogPid: pid } };
      await saveState(recordFile(repo), next);
      return next;
    });
  }
  return {
    ...result(
      `push window open for ${lease.holder} until ${new Date(lease.expiresAt).toISOString()} (token ${lease.token})`,
      state,
      deps,
    ),
    lease: state.lease ?? lease,
  };
}

/** Close the window: lock again if it was locked before, and drop the lease. Caller holds the mutex. */
async function rearm(
  repo: RepoInfo,
  deps: WriteLockDeps,
  state: WriteLockState,
  by: string,
): Promise<{ state: WriteLockState; notes: string[] }> {
  if (!state.lease?.rearm) {
    const next = { ...state, lease: null, updatedAt: deps.now(), by };
    await saveState(recordFile(repo), next);
    return { state: next, notes: [] };
  }
  try {
    return await engage(repo, deps, { ...state, lease: null }, state.mode, by);
  } catch (error) {
    // Keep the expired lease so the next lazy check or watchdog tries again.
    await saveState(recordFile(repo), state);
    throw error;
  }
}

export interface RelockRequest {
  holder?: string;
  token?: number;
}

export async function relockRepo(
  repo: RepoInfo,
  deps: WriteLockDeps,
  request: RelockRequest,
): Promise<OperationResult> {
  await ensureStateDir(repo);
  return withStateMutex(recordFile(repo), async () => {
    const state = (await loadState(recordFile(repo))) ?? initialState(deps.now());
    const now = deps.now();
    const lease = state.lease;
    if (lease && leaseActive(state, now)) {
      if (request.holder === undefined && request.token === undefined) {
        throw new GitfenceError('USAGE', 'relock needs the holder of the push window', {
          expected: `--holder ${lease.holder} (and --token ${lease.token})`,
          got: 'neither',
        });
      }
      if (request.holder !== undefined && request.holder !== lease.holder) {
        throw conflict(lease, `${request.holder} cannot relock`);
      }
      if (request.token !== undefined && request.token !== lease.token) {
        throw new GitfenceError('LOCK_CONFLICT', `token ${request.token} is stale`, {
          where: 'write-lock lease',
          expected: `the current token ${lease.token} (holder ${lease.holder})`,
          got: String(request.token),
          hint: 'a newer push window replaced yours; it will close by itself when its lease expires',
        });
      }
      const { state: next, notes } = await rearm(repo, deps, state, 'relock');
      return result(
        next.state === 'locked' ? `locked (${next.mode})` : 'push window closed',
        next,
        deps,
        notes,
      );
    }
    if (request.token !== undefined && request.token !== state.lastToken) {
      throw new GitfenceError('LOCK_CONFLICT', `token ${request.token} is stale`, {
        where: 'write-lock lease',
        expected: `the latest token ${state.lastToken}`,
        got: String(request.token),
        hint: 'your push window already closed; run `git-write-lock status`',
      });
    }
    if (lease) {
      // Expired but not yet re-armed (the watchdog is late or was killed): re-arm now.
      const { state: next, notes } = await rearm(repo, deps, state, 'relock');
      return result(
        next.state === 'locked' ? `locked (${next.mode})` : 'push window closed',
        next,
        deps,
        notes,
      );
    }
    if (state.state === 'locked') return result(`already locked (${state.mode})`, state, deps);
    throw new GitfenceError('DENIED', 'no push window is open, so there is nothing to relock', {
      where: repo.commonDir,
      expected: 'an open push window (`unlock-for-push`)',
      got: 'unlocked with no lease (a plain `unlock` does not re-arm)',
      hint: 'lock it with `git-write-lock lock`',
    });
  });
}

/**
 * The lazy check: re-arm when a push window's lease has run out. One JSON read when nothing is due,
 * so every gitfence entry point can call it.
 */
export async function ensureWriteLockState(
  repo: RepoInfo,
  now: number = Date.now(),
  deps?: WriteLockDeps,
): Promise<WriteLockFact> {
  const file = recordFile(repo);
  const state = await loadState(file);
  if (!state?.lease || state.lease.expiresAt > now) {
    return compileWriteLockFact(
      state,
      state?.state === 'locked' ? null : await probeWritable(repo.commonDir),
      now,
    );
  }
  // Only now, when a re-arm is due, pay for the real-world wiring.
  const live = deps ?? (await import('./context.js')).createWriteLockDeps(process.env);
  const next = await withStateMutex(file, async () => {
    const current = await loadState(file);
    if (!current?.lease || current.lease.expiresAt > live.now()) return current;
    return (await rearm(repo, live, current, 'lazy')).state;
  });
  return compileWriteLockFact(next, null, live.now());
}

/** The watchdog's one job: once the lease with this token has expired and is still current, re-arm. */
export async function runWatchdog(
  repo: RepoInfo,
  deps: WriteLockDeps,
  token: number,
  sleep: (ms: number) => Promise<void>,
): Promise<'rearmed' | 'superseded'> {
  const file = recordFile(repo);
  for (;;) {
    const state = await loadState(file);
    if (!state?.lease || state.lease.token !== token) return 'superseded';
    const wait = state.lease.expiresAt - deps.now();
    if (wait > 0) {
      // Wake now and then: a relocked or replaced window lets the watchdog exit early.
      await sleep(Math.min(wait + 50, 5000));
      continue;
    }
    const outcome = await withStateMutex(file, async () => {
      const current = await loadState(file);
      if (!current?.lease || current.lease.token !== token) return 'superseded' as const;
      if (current.lease.expiresAt > deps.now()) return 'wait' as const;
      await rearm(repo, deps, current, 'watchdog');
      return 'rearmed' as const;
    });
    if (outcome !== 'wait') return outcome;
  }
}

/** The write-lock fact for the evaluator: one small JSON read, plus a probe only when we did not lock. */
import { closeSync, openSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { GitfenceError } from '../errors.js';
import type { WriteLockFact } from '../evaluate/types.js';
import type { RepoInfo } from '../repo/discover.js';
import { statePaths } from '../repo/state-paths.js';
import { READ_ONLY_ERRNOS, type ProbeResult } from './probe.js';
import { leaseActive, parseState, type WriteLockState } from './state.js';

/** Pure: the fact from our record and (when we did not lock) the probe of the common dir. */
export function compileWriteLockFact(
  state: WriteLockState | null,
  probe: ProbeResult | null,
  now: number,
): WriteLockFact {
  if (state?.state === 'locked') return { state: 'locked', mode: state.mode ?? 'immutable' };
  if (probe && !probe.writable && READ_ONLY_ERRNOS.has(probe.errno)) {
    return { state: 'locked', mode: 'external' };
  }
  if (state && leaseActive(state, now) && state.lease) {
    return { state: 'unlocked', holder: state.lease.holder, expiresAt: state.lease.expiresAt };
  }
  if (state?.lease?.rearm) return { state: 'unlocked', rearmDue: true };
  return { state: 'unlocked' };
}

/**
 * `loadState` and `probeWritable` done synchronously: this runs on every decision, and the
 * promise-based fs and node:crypto would cost more to load than the work itself.
 */
function loadStateSync(file: string): WriteLockState | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new GitfenceError('IO', `cannot read the write-lock record: ${String(error)}`, {
      where: file,
    });
  }
  return parseState(text, file);
}

function probeWritableSync(dir: string): ProbeResult {
  // the name only has to be unlikely to clash (pid + random); 'wx' never reuses an existing file
  const tag = Math.floor(Math.random() * 0x100000000)
    .toString(16)
    .padStart(8, '0');
  const probe = join(dir, `.gitfence-probe-${process.pid}-${tag}`);
  try {
    closeSync(openSync(probe, 'wx', 0o600));
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    return { writable: false, errno: err.code ?? 'UNKNOWN', message: err.message };
  }
  try {
    unlinkSync(probe);
  } catch {
    // like rm --force: already gone is fine
  }
  return { writable: true };
}

export async function readWriteLockFact(
  repo: RepoInfo,
  now: number = Date.now(),
): Promise<WriteLockFact> {
  let state: WriteLockState | null;
  try {
    state = loadStateSync(statePaths(repo.stateDir).writeLock);
  } catch {
    // A corrupt record must not read as "unlocked": say locked and let status explain.
    return { state: 'locked', mode: 'immutable' };
  }
  const probe = state?.state === 'locked' ? null : probeWritableSync(repo.commonDir);
  return compileWriteLockFact(state, probe, now);
}

/** The one-line status: exactly one of `unlocked`, `locked (immutable)`, `locked (chmod)`, `locked (external)`. */
export function renderStatusLine(fact: WriteLockFact): string {
  return fact.state === 'unlocked' ? 'unlocked' : `locked (${fact.mode ?? 'immutable'})`;
}

/** The write-lock fact for the evaluator: one small JSON read, plus a probe only when we did not lock. */
import type { WriteLockFact } from '../evaluate/types.js';
import type { RepoInfo } from '../repo/discover.js';
import { statePaths } from '../repo/state-paths.js';
import { probeWritable, READ_ONLY_ERRNOS, type ProbeResult } from './probe.js';
import { leaseActive, loadState, type WriteLockState } from './state.js';

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

export async function readWriteLockFact(
  repo: RepoInfo,
  now: number = Date.now(),
): Promise<WriteLockFact> {
  let state: WriteLockState | null;
  try {
    state = await loadState(statePaths(repo.stateDir).writeLock);
  } catch {
    // A corrupt record must not read as "unlocked": say locked and let status explain.
    return { state: 'locked', mode: 'immutable' };
  }
  const probe = state?.state === 'locked' ? null : await probeWritable(repo.commonDir);
  return compileWriteLockFact(state, probe, now);
}

/** The one-line status: exactly one of `unlocked`, `locked (immutable)`, `locked (chmod)`, `locked (external)`. */
export function renderStatusLine(fact: WriteLockFact): string {
  return fact.state === 'unlocked' ? 'unlocked' : `locked (${fact.mode ?? 'immutable'})`;
}

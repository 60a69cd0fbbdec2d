/** `status`: the one-line state, plus notes (the root caveat, an open window, drift) and the JSON view. */
import type { WriteLockFact } from '../evaluate/types.js';
import type { RepoInfo } from '../repo/discover.js';
import { statePaths } from '../repo/state-paths.js';
import { compileWriteLockFact, renderStatusLine } from './facts.js';
import { probeWritable, type ProbeResult } from './probe.js';
import { rootCaveat, type WriteLockDeps } from './service.js';
import { loadState, type WriteLockState } from './state.js';

export interface WriteLockStatus {
  line: string;
  fact: WriteLockFact;
  state: WriteLockState | null;
  probe: ProbeResult;
  notes: string[];
  isRoot: boolean;
}

/** Pure: the notes a human needs beside the one-line state. */
export function compileStatusNotes(
  state: WriteLockState | null,
  fact: WriteLockFact,
  probe: ProbeResult,
  isRoot: boolean,
  now: number,
): string[] {
  const notes: string[] = [];
  if (fact.state === 'locked' && fact.mode === 'chmod' && isRoot) {
    notes.push(
      'chmod mode: permission bits do not stop root; a git running as root can still write .git',
    );
  }
  if (fact.state === 'locked' && fact.mode === 'external') {
    notes.push(
      `.git is read-only by something other than gitfence (${probe.writable ? '' : probe.errno}); gitfence will not change it`,
    );
  }
  if (state?.lease) {
    const { holder, token, expiresAt } = state.lease;
    notes.push(
      expiresAt > now
        ? `push window open: holder ${holder}, token ${token}, until ${new Date(expiresAt).toISOString()}`
        : `push window of ${holder} expired at ${new Date(expiresAt).toISOString()}; re-arming on the next gitfence call`,
    );
  }
  if (state?.state === 'locked' && probe.writable && (state.mode === 'immutable' || !isRoot)) {
    notes.push(
      'recorded as locked, but .git is writable: run `git-write-lock unlock` then `git-write-lock lock`',
    );
  }
  return notes;
}

export async function gatherStatus(repo: RepoInfo, deps: WriteLockDeps): Promise<WriteLockStatus> {
  const now = deps.now();
  let state: WriteLockState | null = null;
  const notes: string[] = [];
  try {
    state = await loadState(statePaths(repo.stateDir).writeLock);
  } catch (error) {
    notes.push(`the write-lock record is unreadable: ${(error as Error).message}`);
  }
  const probe = await probeWritable(repo.commonDir);
  const fact = compileWriteLockFact(state, probe, now);
  const isRoot = deps.platform.facts.isRoot;
  notes.push(...compileStatusNotes(state, fact, probe, isRoot, now));
  const caveat = rootCaveat(deps.platform, fact.mode);
  if (caveat && !notes.some((note) => note.startsWith('chmod mode'))) notes.push(caveat);
  return { line: renderStatusLine(fact), fact, state, probe, notes, isRoot };
}

export function renderStatusText(status: WriteLockStatus): string {
  return status.line;
}

export function renderStatusJson(status: WriteLockStatus): string {
  const lease = status.state?.lease ?? null;
  return JSON.stringify(
    {
      status: status.line,
      state: status.fact.state,
      mode: status.fact.mode ?? null,
      holder: lease?.holder ?? null,
      token: lease?.token ?? null,
      expiresAt: lease?.expiresAt ?? null,
      expiresAtIso: lease ? new Date(lease.expiresAt).toISOString() : null,
      lockedAt: status.state?.state === 'locked' ? (status.state.lockedAt ?? null) : null,
      rootIgnoresChmod: status.isRoot && status.fact.mode === 'chmod',
      notes: status.notes,
    },
    null,
    2,
  );
}

/**
 * The lease ledger as pure state transitions: (state, request, now) → (state, result). No I/O, no
 * clock of its own; the store runs one transition per locked write.
 */
import { GitfenceError } from '../errors.js';
import { findOverlap } from './overlap.js';
import type {
  AcquireRequest,
  AcquireResult,
  HistoryEvent,
  HistoryKind,
  LeaseConflict,
  LeaseRecord,
  LeaseSelector,
  LeaseState,
  ReleaseRequest,
  RenewRequest,
} from './types.js';

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isString = (v: unknown): v is string => typeof v === 'string';

function leaseProblem(value: unknown): string | null {
  const l = value as Record<string, unknown> | null;
  if (typeof l !== 'object' || l === null) return 'an object';
  if (!isString(l.id) || !isString(l.owner) || !isString(l.reason)) return 'id, owner, reason';
  const patterns = l.patterns;
  if (!Array.isArray(patterns)) return 'patterns: string[]';
  for (let k = 0; k < patterns.length; k++) {
    if (typeof patterns[k] !== 'string') return 'patterns: string[]';
  }
  if (typeof l.exclusive !== 'boolean') return 'exclusive: boolean';
  if (!Number.isSafeInteger(l.token) || !isNumber(l.createdAt) || !isNumber(l.expiresAt)) {
    return 'token, createdAt, expiresAt: numbers';
  }
  if (l.renewedAt !== undefined && !isNumber(l.renewedAt)) return 'renewedAt: number';
  return null;
}

/**
 * Structural check of the store file, run on every write over every lease: hand-written with
 * indexed loops (zod, iterators and callbacks cost milliseconds in a short-lived process).
 */
function stateProblem(value: unknown): { path: string; expected: string } | null {
  const s = value as Record<string, unknown> | null;
  if (typeof s !== 'object' || s === null || s.format !== 'gitfence/leases@1') {
    return { path: 'format', expected: 'gitfence/leases@1' };
  }
  if (!Number.isSafeInteger(s.generation) || !Number.isSafeInteger(s.nextToken)) {
    return { path: 'generation/nextToken', expected: 'integers' };
  }
  const leases = s.leases;
  if (!Array.isArray(leases)) return { path: 'leases', expected: 'an array' };
  for (let i = 0; i < leases.length; i++) {
    const problem = leaseProblem(leases[i]);
    if (problem) return { path: `leases[${i}]`, expected: problem };
  }
  const journal = s.journal;
  if (!Array.isArray(journal)) return { path: 'journal', expected: 'an array' };
  for (let i = 0; i < journal.length; i++) {
    const e = journal[i] as Record<string, unknown> | null;
    const problem =
      typeof e !== 'object' ||
      e === null ||
      !isString(e.eid) ||
      !isString(e.kind) ||
      !isNumber(e.at)
        ? 'eid, kind, at'
        : leaseProblem(e.lease);
    if (problem) return { path: `journal[${i}]`, expected: problem };
  }
  return null;
}

export function emptyState(): LeaseState {
  return { format: 'gitfence/leases@1', generation: 0, nextToken: 1, leases: [], journal: [] };
}

/** Parse the store file; a corrupt store is an error (never read as "no leases"). */
export function parseState(text: string, where: string): LeaseState {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new GitfenceError(
      'INTERNAL',
      'the lease store is not valid JSON',
      {
        where,
        expected: 'a gitfence/leases@1 document',
        got: text.slice(0, 60),
        hint: 'the store is only ever replaced atomically: something else wrote it; move it aside and acquire again',
      },
      { cause: error },
    );
  }
  const problem = stateProblem(json);
  if (problem) {
    throw new GitfenceError('INTERNAL', 'the lease store does not have the expected shape', {
      where: `${where} › ${problem.path}`,
      expected: problem.expected,
      got: 'something else',
      hint: 'move the file aside and acquire the leases again',
    });
  }
  return json as LeaseState;
}

export const isActive = (lease: LeaseRecord, now: number): boolean => lease.expiresAt > now;

export function activeLeases(state: LeaseState, now: number): LeaseRecord[] {
  return state.leases.filter((lease) => isActive(lease, now));
}

/**
 * Every pair (requested pattern, held pattern) that may share a path, against other owners' leases.
 * Indexed loops: this runs over every held pattern on each acquire, in a process too short-lived for
 * the optimising compiler to help, where array iterators cost more than the disjointness test.
 */
export function findConflicts(
  leases: LeaseRecord[],
  request: Pick<AcquireRequest, 'owner' | 'patterns' | 'exclusive'>,
): LeaseConflict[] {
  const conflicts: LeaseConflict[] = [];
  const { owner, patterns: requestedPatterns, exclusive } = request;
  for (let i = 0; i < leases.length; i++) {
    const lease = leases[i]!;
    // Shared with shared never conflicts; an agent's own leases never block it.
    if (lease.owner === owner || (!lease.exclusive && !exclusive)) continue;
    const held = lease.patterns;
    for (let r = 0; r < requestedPatterns.length; r++) {
      const requested = requestedPatterns[r]!;
      for (let h = 0; h < held.length; h++) {
        const overlap = findOverlap(requested, held[h]!);
        if (overlap.overlap) conflicts.push({ lease, requested, held: held[h]!, overlap });
      }
    }
  }
  return conflicts;
}

/** Starts a write: drops expired leases (recording them) and opens a new journal. */
function begin(state: LeaseState, now: number) {
  const generation = state.generation + 1;
  const journal: HistoryEvent[] = [];
  const record = (kind: HistoryKind, lease: LeaseRecord, by?: string) =>
    journal.push({
      eid: `${generation}.${journal.length}`,
      kind,
      at: now,
      lease,
      ...(by ? { by } : {}),
    });
  const leases: LeaseRecord[] = [];
  for (const lease of state.leases) {
    if (isActive(lease, now)) leases.push(lease);
    else record('expired', lease);
  }
  return { generation, journal, record, leases };
}

export function applyAcquire(
  state: LeaseState,
  request: AcquireRequest,
  now: number,
  newId: () => string,
): { state: LeaseState; result: AcquireResult } {
  const tx = begin(state, now);
  const conflicts = findConflicts(tx.leases, request);
  if (conflicts.length > 0) {
    // Nothing granted; the write only reclaims expired leases.
    return {
      state: { ...state, generation: tx.generation, leases: tx.leases, journal: tx.journal },
      result: { granted: false, conflicts },
    };
  }
  const lease: LeaseRecord = {
    id: newId(),
    owner: request.owner,
    patterns: [...request.patterns],
    exclusive: request.exclusive,
    reason: request.reason,
    token: state.nextToken,
    createdAt: now,
    expiresAt: now + request.ttlMs,
  };
  tx.record('granted', lease);
  return {
    state: {
      format: 'gitfence/leases@1',
      generation: tx.generation,
      nextToken: state.nextToken + 1,
      leases: [...tx.leases, lease],
      journal: tx.journal,
    },
    result: { granted: true, lease },
  };
}

/** The leases a selector names among the active ones; naming nothing is a usage error. */
export function selectLeases(
  leases: LeaseRecord[],
  selector: LeaseSelector,
  verb: string,
): LeaseRecord[] {
  if ('id' in selector) {
    const lease = leases.find((l) => l.id === selector.id);
    if (!lease) {
      throw new GitfenceError('USAGE', `no active lease ${selector.id} to ${verb}`, {
        expected: 'the id of an active lease',
        got: selector.id,
        hint: 'it may have expired or been released: run `gitfence lock list`, then acquire it again',
      });
    }
    if (lease.token !== selector.token) {
      throw new GitfenceError('USAGE', `stale fencing token for lease ${selector.id}`, {
        expected: `token ${lease.token}`,
        got: `token ${selector.token}`,
        hint: 'the lease was granted again since you got that token: run `gitfence lock list`',
      });
    }
    return [lease];
  }
  const own = leases.filter((l) => l.owner === selector.owner);
  if (own.length === 0) {
    throw new GitfenceError('USAGE', `agent "${selector.owner}" holds no active lease to ${verb}`, {
      hint: "take one with `gitfence lock acquire '<glob>'`",
    });
  }
  return own;
}

export function applyRenew(
  state: LeaseState,
  request: RenewRequest,
  now: number,
): { state: LeaseState; renewed: LeaseRecord[] } {
  const tx = begin(state, now);
  const chosen = new Set(selectLeases(tx.leases, request.selector, 'renew').map((l) => l.id));
  const renewed: LeaseRecord[] = [];
  const leases = tx.leases.map((lease) => {
    if (!chosen.has(lease.id)) return lease;
    const next = { ...lease, renewedAt: now, expiresAt: now + request.ttlMs };
    tx.record('renewed', next, request.by);
    renewed.push(next);
    return next;
  });
  return {
    state: { ...state, generation: tx.generation, leases, journal: tx.journal },
    renewed,
  };
}

export function applyRelease(
  state: LeaseState,
  request: ReleaseRequest,
  now: number,
): { state: LeaseState; released: LeaseRecord[] } {
  const tx = begin(state, now);
  const chosen = new Set(selectLeases(tx.leases, request.selector, 'release').map((l) => l.id));
  const released = tx.leases.filter((lease) => chosen.has(lease.id));
  for (const lease of released) tx.record('released', lease, request.by);
  return {
    state: {
      ...state,
      generation: tx.generation,
      leases: tx.leases.filter((lease) => !chosen.has(lease.id)),
      journal: tx.journal,
    },
    released,
  };
}

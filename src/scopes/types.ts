/** The lease model: records, history events, requests and the backend interface every store implements. */
import type { OverlapResult } from './overlap.js';

export interface LeaseRecord {
  id: string;
  owner: string;
  patterns: string[];
  exclusive: boolean;
  reason: string;
  /** Monotonic across the store: a later grant always has a larger token. */
  token: number;
  /** Epoch ms, by the store's clock. */
  createdAt: number;
  renewedAt?: number;
  expiresAt: number;
}

export type HistoryKind = 'granted' | 'renewed' | 'released' | 'expired';

export interface HistoryEvent {
  /** Unique per event (`<generation>.<n>`): duplicates after a crash are dropped by it. */
  eid: string;
  kind: HistoryKind;
  at: number;
  lease: LeaseRecord;
  /** Who asked (the agent or `orchestrator`), for released and renewed. */
  by?: string;
}

/** The whole store state: one small JSON file. */
export interface LeaseState {
  format: 'gitfence/leases@1';
  /** Bumped by every committed write. */
  generation: number;
  /** The next fencing token to hand out. */
  nextToken: number;
  leases: LeaseRecord[];
  /** Events of the last committed write, copied to the history file by the next writer. */
  journal: HistoryEvent[];
}

export interface AcquireRequest {
  owner: string;
  patterns: string[];
  exclusive: boolean;
  reason: string;
  ttlMs: number;
}

export interface LeaseConflict {
  lease: LeaseRecord;
  /** The pattern asked for. */
  requested: string;
  /** The holder's pattern it overlaps. */
  held: string;
  overlap: OverlapResult;
}

export type AcquireResult =
  { granted: true; lease: LeaseRecord } | { granted: false; conflicts: LeaseConflict[] };

/** Name a lease by id + token, or all of one owner's leases. */
export type LeaseSelector = { id: string; token: number } | { owner: string };

export interface RenewRequest {
  selector: LeaseSelector;
  ttlMs: number;
  by: string;
}

export interface ReleaseRequest {
  selector: LeaseSelector;
  by: string;
}

export interface LeaseListing {
  active: LeaseRecord[];
  history: HistoryEvent[];
}

/**
 * What callers use. The file store is the embedded default; a distributed backend (etcd, a lock
 * service) implements the same contract: the backend's clock decides times, tokens are monotonic,
 * and each call is atomic.
 */
export interface LeaseBackend {
  acquire(request: AcquireRequest): Promise<AcquireResult>;
  /** The renewed leases; a selector that names nothing throws a usage error. */
  renew(request: RenewRequest): Promise<LeaseRecord[]>;
  /** The released leases. */
  release(request: ReleaseRequest): Promise<LeaseRecord[]>;
  /** Active leases, and with `history` the released/expired/granted events kept for audit. */
  list(options?: { history?: boolean }): Promise<LeaseListing>;
}

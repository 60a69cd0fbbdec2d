/** Lock scopes: leases on path globs per agent. */
export type {
  AcquireRequest,
  AcquireResult,
  HistoryEvent,
  LeaseBackend,
  LeaseConflict,
  LeaseListing,
  LeaseRecord,
  LeaseSelector,
  ReleaseRequest,
  RenewRequest,
} from './types.js';
export { createFileLeaseStore, leaseFiles, loadLeaseState } from './file-store.js';
export { readActiveLeases } from './facts.js';
export { findOverlap, matchesGlob, type OverlapResult } from './overlap.js';

/** Stub until the lock-scope engineer's commit scope check lands: allows, so the dispatcher has a target. */
import type { CompiledPolicy, Decision, CommitRequest } from './types.js';

export function evaluateCommit(_policy: CompiledPolicy, _request: CommitRequest): Decision {
  return { outcome: 'allow', alert: 'none', matches: [], warnings: [] };
}

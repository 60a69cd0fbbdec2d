/**
 * Active leases for the evaluator. TEMPORARY: until the lock-scope store's `src/scopes/facts.ts`
 * (`readActiveLeases(stateDir, now)`) lands, no lease is known, so an agent's unscoped status/diff is
 * denied with the command to take one (fail closed), never shown unscoped.
 */
import type { LeaseFact } from '../evaluate/types.js';

export async function readActiveLeases(_stateDir: string, _now: number): Promise<LeaseFact[]> {
  return [];
}

/**
 * Active leases for the evaluator's facts. On the hot path of every delegated git call, so it stays
 * light: one small file read, no lock (the file is only ever replaced whole), no zod, no glob code.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GitfenceError } from '../errors.js';
import type { LeaseFact } from '../evaluate/types.js';
import { statePaths } from '../repo/state-paths.js';

function corrupt(file: string, got: string): GitfenceError {
  return new GitfenceError('INTERNAL', 'the lease store is unreadable', {
    where: file,
    expected: 'a gitfence/leases@1 document',
    got,
    hint: 'it is only ever replaced whole, so something else wrote it: move it aside and acquire the leases again',
  });
}

const isLease = (l: unknown): l is LeaseFact => {
  const v = l as Partial<LeaseFact> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.id === 'string' &&
    typeof v.owner === 'string' &&
    Array.isArray(v.patterns) &&
    v.patterns.every((p) => typeof p === 'string') &&
    typeof v.exclusive === 'boolean' &&
    typeof v.token === 'number' &&
    typeof v.expiresAt === 'number'
  );
};

/** Every agent's active leases; a missing store is none, a corrupt one is an error (fail closed). */
export async function readActiveLeases(stateDir: string, now: number): Promise<LeaseFact[]> {
  const file = join(statePaths(stateDir).leases, 'leases.json');
  let text: string;
  try {
    // synchronous: one small file, and node:fs/promises costs a decision more to load than the read
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  let state: { format?: unknown; leases?: unknown };
  try {
    state = JSON.parse(text) as typeof state;
  } catch {
    throw corrupt(file, text.slice(0, 60));
  }
  if (state?.format !== 'gitfence/leases@1' || !Array.isArray(state.leases)) {
    throw corrupt(file, 'another shape');
  }
  const facts: LeaseFact[] = [];
  for (const lease of state.leases) {
    if (!isLease(lease)) throw corrupt(file, 'a lease without id, owner, patterns or expiry');
    if (lease.expiresAt > now) {
      const { id, owner, patterns, exclusive, token, expiresAt } = lease;
      facts.push({ id, owner, patterns, exclusive, token, expiresAt });
    }
  }
  return facts;
}

/**
 * scopeFileChanges renders only the agents whose leases differ; it must name the same agents, with
 * the same files, as rendering every agent's file in both states.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  changedScopeAgents,
  renderScopeFiles,
  scopeFileChanges,
} from '../../src/scopes/scope-file.js';
import type { LeaseRecord } from '../../src/scopes/types.js';

const leaseArb = fc.record({
  id: fc.constantFrom('l-1', 'l-2', 'l-3'),
  // `a b` and `` cannot have a file: they must never be named
  owner: fc.constantFrom('a', 'b', 'c', 'a b', ''),
  patterns: fc.array(fc.constantFrom('x/**', 'y', 'z/*.md', '', 'n\nl'), { maxLength: 3 }),
  exclusive: fc.boolean(),
  reason: fc.constant(''),
  token: fc.nat(5),
  createdAt: fc.constant(0),
  // two expiries within one second render the same file
  expiresAt: fc.constantFrom(1_000_000, 1_000_400, 2_000_000),
}) as fc.Arbitrary<LeaseRecord>;

/** The next state as the ledger makes it: kept records, fresh copies, drops and additions. */
const transition = (before: LeaseRecord[]) =>
  fc
    .tuple(
      fc.array(fc.constantFrom('keep', 'drop', 'copy', 'renew'), {
        minLength: before.length,
        maxLength: before.length,
      }),
      fc.array(leaseArb, { maxLength: 2 }),
    )
    .map(([moves, added]) => {
      const after: LeaseRecord[] = [];
      before.forEach((lease, i) => {
        const move = moves[i]!;
        if (move === 'keep') after.push(lease);
        else if (move === 'copy') after.push({ ...lease, patterns: [...lease.patterns] });
        else if (move === 'renew') after.push({ ...lease, expiresAt: lease.expiresAt + 700 });
      });
      return [...after, ...added];
    });

describe('scopeFileChanges', () => {
  it('names the agents and files that rendering both states in full does', () => {
    fc.assert(
      fc.property(
        fc
          .array(leaseArb, { maxLength: 8 })
          .chain((before) => fc.tuple(fc.constant(before), transition(before))),
        ([before, after]) => {
          const full = renderScopeFiles(after);
          const expected = changedScopeAgents(renderScopeFiles(before), full);
          const { changed, files } = scopeFileChanges(before, after);
          expect(changed).toEqual(expected);
          for (const agent of changed) expect(files.get(agent)).toBe(full.get(agent));
        },
      ),
      { numRuns: 3000 },
    );
  });
});

import fc from 'fast-check';
import micromatch from 'micromatch';
import { describe, expect, it } from 'vitest';
import { findOverlap } from '../../src/scopes/overlap.js';

// A small alphabet keeps collisions likely, so both "overlap" and "disjoint" cases occur often.
const chars = ['a', 'b', '.', 'x'];
const pathSegment = fc
  .array(fc.constantFrom(...chars), { minLength: 1, maxLength: 3 })
  .map((cs) => cs.join(''))
  .filter((s) => s !== '.' && s !== '..');
const path = fc.array(pathSegment, { minLength: 1, maxLength: 4 }).map((s) => s.join('/'));

const segmentAtom = fc.oneof(
  fc.constantFrom(...chars),
  fc.constantFrom('*', '?', '[ab]', '[^a]', '[a-b]', '[.]', '[!a]', '\\*'),
  fc.constantFrom('@(a|b)', '?(a|.b)', '*(a)', '+(b|x)', '!(a)', '{a,b}', '{a,.x}', '{,a}'),
);
const patternSegment = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.array(segmentAtom, { minLength: 1, maxLength: 3 }).map((a) => a.join('')),
  },
  { weight: 2, arbitrary: fc.constant('**') },
);
const pattern = fc
  .array(patternSegment, { minLength: 1, maxLength: 4 })
  .map((s) => s.join('/'))
  .filter((p) => !p.startsWith('!'));

/** A glob generalising one path segment: most of these still match the segment. */
const generalise = (segment: string) =>
  fc.constantFrom(
    segment,
    '*',
    `${segment[0]}*`,
    `*${segment.slice(-1)}`,
    `?${segment.slice(1)}`,
    `[${segment[0]}b]${segment.slice(1)}`,
    `@(${segment}|b)`,
    `{${segment},q}`,
    '**',
  );
const pathWithPatterns = path.chain((p) => {
  const segments = p.split('/');
  const glob = fc
    .tuple(...segments.map(generalise))
    .map((parts) => parts.join('/'))
    .chain((g) => fc.constantFrom(g, `${g}/**`, `**/${g}`));
  return fc.tuple(fc.constant(p), glob, glob);
});

describe('findOverlap against micromatch', () => {
  it('never says disjoint when a generated path matches both patterns', () => {
    fc.assert(
      fc.property(
        pattern,
        pattern,
        fc.array(path, { minLength: 1, maxLength: 40 }),
        (a, b, paths) => {
          const result = findOverlap(a, b);
          if (!result.overlap) {
            for (const p of paths) {
              expect(
                micromatch.isMatch(p, a) && micromatch.isMatch(p, b),
                `${a} vs ${b}: ${p} matches both`,
              ).toBe(false);
            }
          }
          if (result.example !== undefined) {
            expect(micromatch.isMatch(result.example, a)).toBe(true);
            expect(micromatch.isMatch(result.example, b)).toBe(true);
          }
          expect(findOverlap(b, a).overlap).toBe(result.overlap);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('finds a witness for paths that match both (completeness on generated cases)', () => {
    let exactHits = 0;
    let total = 0;
    fc.assert(
      fc.property(pathWithPatterns, ([p, a, b]) => {
        fc.pre(micromatch.isMatch(p, a) && micromatch.isMatch(p, b));
        const result = findOverlap(a, b);
        expect(result.overlap).toBe(true);
        total++;
        if (result.exact) exactHits++;
      }),
      { numRuns: 1000, maxSkipsPerRun: 1000 },
    );
    // Most generated overlaps get a verified example; the rest are widened constructs.
    expect(exactHits).toBeGreaterThanOrEqual(Math.floor(total / 2));
  });

  it('is exact on micromatch matches of a path against itself as a pattern', () => {
    fc.assert(
      fc.property(path, pattern, (p, a) => {
        fc.pre(micromatch.isMatch(p, a));
        expect(findOverlap(a, p)).toMatchObject({ overlap: true });
      }),
    );
  });
});

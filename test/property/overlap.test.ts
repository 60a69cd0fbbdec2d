import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchesGlob } from '../../src/scopes/match.js';
import { literalPrefixOf } from '../../src/scopes/glob-automaton.js';
import { findOverlap, literalPrefixesDiffer } from '../../src/scopes/overlap.js';

// The reference is the lock-scope matcher, itself held to real git by scope-glob-git.test.ts.
const isMatch = (path: string, glob: string) => matchesGlob(path, glob);

// A small alphabet keeps collisions likely, so both "overlap" and "disjoint" cases occur often.
const chars = ['a', 'b', '.', 'x'];
const pathSegment = fc
  .array(fc.constantFrom(...chars), { minLength: 1, maxLength: 3 })
  .map((cs) => cs.join(''))
  .filter((s) => s !== '.' && s !== '..');
const path = fc.array(pathSegment, { minLength: 1, maxLength: 4 }).map((s) => s.join('/'));

const segmentAtom = fc.oneof(
  fc.constantFrom(...chars),
  fc.constantFrom('*', '?', '[ab]', '[^a]', '[a-b]', '[.]', '[!a]', '[]a]', '\\*', '**'),
  // not modelled exactly: POSIX classes and unterminated classes make a glob opaque
  fc.constantFrom('[[:alpha:]]', '[a', '{a,b}', '@(a|b)'),
);
const patternSegment = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.array(segmentAtom, { minLength: 1, maxLength: 3 }).map((a) => a.join('')),
  },
  { weight: 2, arbitrary: fc.constant('**') },
);
const pattern = fc
  .tuple(fc.array(patternSegment, { minLength: 1, maxLength: 4 }), fc.boolean())
  .map(([s, slash]) => `${s.join('/')}${slash ? '/' : ''}`);

/** A glob generalising one path segment: most of these still match the segment. */
const generalise = (segment: string) =>
  fc.constantFrom(
    segment,
    '*',
    `${segment[0]}*`,
    `*${segment.slice(-1)}`,
    `?${segment.slice(1)}`,
    `[${segment[0]}b]${segment.slice(1)}`,
    `[!q]${segment.slice(1)}`,
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

describe('findOverlap against the lock-scope matcher', () => {
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
              expect(isMatch(p, a) && isMatch(p, b), `${a} vs ${b}: ${p} matches both`).toBe(false);
            }
          }
          if (result.example !== undefined) {
            expect(isMatch(result.example, a)).toBe(true);
            expect(isMatch(result.example, b)).toBe(true);
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
        fc.pre(isMatch(p, a) && isMatch(p, b));
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

  it('finds the overlap of a glob with a path it matches, taken as a glob', () => {
    fc.assert(
      fc.property(path, pattern, (p, a) => {
        fc.pre(isMatch(p, a));
        expect(findOverlap(a, p)).toMatchObject({ overlap: true });
      }),
    );
  });
});

describe('literalPrefixesDiffer (the disjointness shortcut before any automaton)', () => {
  // Slashes, empty segments, wildcards and escapes in every position, from a tiny alphabet.
  const text = fc
    .array(fc.constantFrom('a', 'b', 'ab', '/', '/', '*', '?', '[', '\\', '.'), { maxLength: 10 })
    .map((parts) => parts.join(''));

  it('answers as comparing the two literalPrefixOf arrays does', () => {
    const reference = (a: string, b: string) => {
      const pa = literalPrefixOf(a);
      const pb = literalPrefixOf(b);
      for (let k = 0; k < Math.min(pa.length, pb.length); k++) if (pa[k] !== pb[k]) return true;
      return false;
    };
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(literalPrefixesDiffer(a, b), `${a} vs ${b}`).toBe(reference(a, b));
      }),
      { numRuns: 20000 },
    );
  });
});

/**
 * Sound overlap between two globs: "disjoint" only when no path can match both as git reads them
 * (the lock-scope matcher, match.ts). Method: each glob's readings (its wildcards, and its text as
 * a file or directory) split into segments, then a search of the product of the two segment
 * sequences (a globstar consumes zero or more segments) where each step needs a non-empty segment
 * accepted by both segment automata. Anything not modelled exactly makes the glob opaque, so doubt
 * always lands on "overlap". The example path is checked with the matcher before it is shown.
 */
import { fromUtf8Bytes, matchesGlob } from './match.js';
import {
  compileGlob,
  GLOBSTAR_SEGMENT,
  intersectSegments,
  type SegmentNfa,
  type SegmentPattern,
} from './glob-automaton.js';

export interface OverlapResult {
  overlap: boolean;
  /** A path both globs match (verified with the matcher), when one was found. */
  example?: string;
  /** false when the overlap is assumed because the globs could not be fully analysed. */
  exact: boolean;
}

export { matchesGlob } from './match.js';

const segmentNfa = (p: SegmentPattern): SegmentNfa =>
  p.kind === 'globstar' ? GLOBSTAR_SEGMENT : p.nfa;

const segmentCache = new WeakMap<SegmentNfa, WeakMap<SegmentNfa, string | null>>();

function intersectCached(a: SegmentNfa, b: SegmentNfa): string | null {
  let inner = segmentCache.get(a);
  if (!inner) {
    inner = new WeakMap();
    segmentCache.set(a, inner);
  }
  if (inner.has(b)) return inner.get(b)!;
  const result = intersectSegments(a, b);
  inner.set(b, result);
  return result;
}

const ONE_SEGMENT: SegmentPattern = { kind: 'segment', nfa: GLOBSTAR_SEGMENT };

/** `…/**` → `…/*` + `/**`: the trailing globstar takes at least one segment. */
function requireTrailingSegment(sequence: SegmentPattern[]): SegmentPattern[] {
  return sequence.at(-1)?.kind === 'globstar'
    ? [...sequence.slice(0, -1), ONE_SEGMENT, sequence.at(-1)!]
    : sequence;
}

/**
 * A non-empty path matched by both segment sequences, or null. With `consume`, a trailing globstar
 * must take at least one segment: git's `a/**` does not match `a`, so a second, narrower search
 * finds an example it accepts.
 */
function intersectSequences(
  a: SegmentPattern[],
  b: SegmentPattern[],
  consume = false,
): string | null {
  if (consume) {
    a = requireTrailingSegment(a);
    b = requireTrailingSegment(b);
  }
  type Node = { i: number; j: number; nonEmpty: boolean; prev: Node | null; segment?: string };
  const seen = new Set<number>();
  const queue: Node[] = [{ i: 0, j: 0, nonEmpty: false, prev: null }];
  const width = b.length + 1;
  const push = (node: Node) => {
    const k = (node.i * width + node.j) * 2 + (node.nonEmpty ? 1 : 0);
    if (seen.has(k)) return;
    seen.add(k);
    queue.push(node);
  };
  seen.add(0);
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!;
    const { i, j } = node;
    if (i === a.length && j === b.length && node.nonEmpty) {
      const segments: string[] = [];
      for (let n: Node | null = node; n; n = n.prev)
        if (n.segment !== undefined) segments.push(n.segment);
      return segments.reverse().join('/');
    }
    const pa = a[i];
    const pb = b[j];
    // A globstar may match zero segments.
    if (pa?.kind === 'globstar') push({ i: i + 1, j, nonEmpty: node.nonEmpty, prev: node });
    if (pb?.kind === 'globstar') push({ i, j: j + 1, nonEmpty: node.nonEmpty, prev: node });
    if (!pa || !pb) continue;
    const segment = intersectCached(segmentNfa(pa), segmentNfa(pb));
    if (segment === null) continue;
    push({
      i: pa.kind === 'globstar' ? i : i + 1,
      j: pb.kind === 'globstar' ? j : j + 1,
      nonEmpty: true,
      prev: node,
      segment,
    });
  }
  return null;
}

/**
 * A glob's literal prefix as text (`literalPrefixOf` joined, each segment followed by `/`): the
 * leading non-empty segments, all but the last, free of glob-special characters. Sticky, from 0;
 * it always matches, and `lastIndex` is then the prefix's length.
 */
const LITERAL_PREFIX = /(?:[^*?[\\/]+\/)*/y;

const literalPrefixLength = (glob: string): number => {
  LITERAL_PREFIX.lastIndex = 0;
  LITERAL_PREFIX.test(glob);
  return LITERAL_PREFIX.lastIndex;
};

/**
 * Do the globs' literal prefixes differ at some segment both have? Both prefixes end with `/`, so
 * they do exactly when neither is a prefix of the other. The same answer as comparing the
 * `literalPrefixOf` arrays, from builtins: acquire asks this once per held pattern, in a process
 * too short-lived for a character loop to be compiled.
 */
export function literalPrefixesDiffer(a: string, b: string): boolean {
  const la = literalPrefixLength(a);
  const lb = literalPrefixLength(b);
  return la <= lb ? !b.startsWith(a.slice(0, la)) : !a.startsWith(b.slice(0, lb));
}

const DISJOINT: OverlapResult = Object.freeze({ overlap: false, exact: true });

/** Decide whether some path matches both globs; never "disjoint" when one does. */
export function findOverlap(patternA: string, patternB: string): OverlapResult {
  // Both prefixes are literal segments in every reading: a difference there is a proof of
  // disjointness, and checking it before compiling keeps a thousand-lease store cheap.
  if (literalPrefixesDiffer(patternA, patternB)) return DISJOINT;
  const a = compileGlob(patternA);
  const b = compileGlob(patternB);
  if (!a.alternatives || !b.alternatives) return { overlap: true, exact: false };
  let found = false;
  for (const sa of a.alternatives) {
    for (const sb of b.alternatives) {
      const example = intersectSequences(sa, sb);
      if (example === null) continue;
      found = true;
      for (const bytes of [example, intersectSequences(sa, sb, true)]) {
        const candidate = bytes === null ? null : fromUtf8Bytes(bytes);
        if (
          candidate !== null &&
          matchesGlob(candidate, patternA) &&
          matchesGlob(candidate, patternB)
        ) {
          return { overlap: true, example: candidate, exact: true };
        }
      }
    }
  }
  return found ? { overlap: true, exact: false } : { overlap: false, exact: true };
}

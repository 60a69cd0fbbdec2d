/**
 * Globs as git reads them in a `:(top,glob)` pathspec (the lock-scope matcher, src/scopes/match.ts),
 * compiled to per-segment automata for the overlap decision. Every construct is compiled to a
 * language that is a SUPERSET of what git matches: an over-approximation can only turn "disjoint"
 * into "overlap", never the reverse, so the decision stays sound. What is not modelled exactly
 * (escapes, POSIX classes, unterminated classes, `**` glued to a literal after the glob's literal
 * start) makes the whole pattern opaque. Automata run over UTF-8 bytes, as git compares them.
 */
import { utf8Bytes } from './match.js';

/** Byte values a path character can take; `/` is never part of a segment. */
const MAX_CHAR = 0xff;
const SLASH = 0x2f;
const DOT = 0x2e;

/** A set of characters: ranges (inclusive), optionally complemented. */
export interface CharSet {
  negated: boolean;
  ranges: Array<[number, number]>;
}

export function charSetHas(set: CharSet, code: number): boolean {
  if (code === SLASH || code < 1 || code > MAX_CHAR) return false;
  const inRanges = set.ranges.some(([lo, hi]) => code >= lo && code <= hi);
  return set.negated ? !inRanges : inRanges;
}

const ANY_CHAR: CharSet = { negated: true, ranges: [] };
const single = (code: number): CharSet => ({ negated: false, ranges: [[code, code]] });

interface Edge {
  to: number;
  label: CharSet;
}

/** A Thompson NFA over one path segment. */
export interface SegmentNfa {
  /** Per state: character edges and epsilon edges. */
  edges: Edge[][];
  eps: number[][];
  start: number;
  accept: number;
}

export type SegmentPattern = { kind: 'globstar' } | { kind: 'segment'; nfa: SegmentNfa };

export interface CompiledGlob {
  source: string;
  /** One entry per reading (wildcard, literal); null when the pattern is opaque ("may overlap"). */
  alternatives: SegmentPattern[][] | null;
  /** Leading segments that are plain literals in every reading, for a cheap disjointness test. */
  literalPrefix: string[];
}

class NfaBuilder {
  edges: Edge[][] = [];
  eps: number[][] = [];
  state(): number {
    this.edges.push([]);
    this.eps.push([]);
    return this.edges.length - 1;
  }
  edge(from: number, to: number, label: CharSet): void {
    this.edges[from]!.push({ to, label });
  }
  epsilon(from: number, to: number): void {
    this.eps[from]!.push(to);
  }
}

type Fragment = { start: number; end: number };

/** Parse one segment (as bytes) into the builder; null when it is not modelled exactly. */
function parseSegment(b: NfaBuilder, text: string): Fragment | null {
  let pos = 0;

  const parseClass = (): CharSet | null => {
    // `[` already consumed; git's `[!…]` and `[^…]` negate, and a `]` first is a member
    let negated = false;
    if (text[pos] === '!' || text[pos] === '^') {
      negated = true;
      pos++;
    }
    const ranges: Array<[number, number]> = [];
    let first = true;
    while (pos < text.length && (first || text[pos] !== ']')) {
      first = false;
      const ch = text[pos]!;
      if (ch === '\\' || (ch === '[' && text[pos + 1] === ':')) return null;
      const lo = ch.charCodeAt(0);
      if (text[pos + 1] === '-' && text[pos + 2] !== undefined && text[pos + 2] !== ']') {
        if (text[pos + 2] === '\\') return null;
        ranges.push([lo, text.charCodeAt(pos + 2)]);
        pos += 3;
      } else {
        ranges.push([lo, lo]);
        pos++;
      }
    }
    if (text[pos] !== ']') return null; // unterminated: git's wildmatch then matches nothing
    pos++;
    return { negated, ranges };
  };

  const start = b.state();
  let end = start;
  while (pos < text.length) {
    const ch = text[pos]!;
    if (ch === '\\') return null;
    let label: CharSet;
    if (ch === '*') {
      // any run of stars inside a segment is one `*` (a globstar is a whole segment)
      while (text[pos] === '*') pos++;
      const s = b.state();
      b.epsilon(end, s);
      b.edge(s, s, ANY_CHAR);
      end = s;
      continue;
    }
    pos++;
    if (ch === '?') label = ANY_CHAR;
    else if (ch === '[') {
      const set = parseClass();
      if (!set) return null;
      label = set;
    } else label = single(ch.charCodeAt(0));
    const e = b.state();
    b.edge(end, e, label);
    end = e;
  }
  return { start, end };
}

/** The automaton for "any non-empty segment": what a globstar steps over, dots included. */
function anySegment(): SegmentNfa {
  const b = new NfaBuilder();
  const s = b.state();
  const e = b.state();
  b.edge(s, e, ANY_CHAR);
  b.edge(e, e, ANY_CHAR);
  return { edges: b.edges, eps: b.eps, start: s, accept: e };
}

/** One segment of a globstar: any non-empty segment (git's `**` includes dot-directories). */
export const GLOBSTAR_SEGMENT: SegmentNfa = anySegment();

/**
 * Automata are never changed once built, so one per segment text is shared by every glob that has
 * that segment: stored leases repeat segments (`src`, `*.ts`), and the overlap search caches
 * segment intersections by automaton, so shared ones are intersected once per process.
 */
const wildSegments = new Map<string, SegmentNfa | null>();
const literalSegments = new Map<string, SegmentNfa>();
const MAX_SHARED_SEGMENTS = 10_000;

function shared<T>(cache: Map<string, T>, text: string, build: (text: string) => T): T {
  if (cache.has(text)) return cache.get(text)!;
  const value = build(text);
  if (cache.size >= MAX_SHARED_SEGMENTS) cache.clear();
  cache.set(text, value);
  return value;
}

function buildSegment(text: string): SegmentNfa | null {
  const b = new NfaBuilder();
  const fragment = parseSegment(b, text);
  if (!fragment) return null;
  return { edges: b.edges, eps: b.eps, start: fragment.start, accept: fragment.end };
}

/** One segment's automaton (the segment as bytes), or null when it is not modelled exactly. */
export const compileSegment = (text: string): SegmentNfa | null =>
  shared(wildSegments, text, buildSegment);

function buildLiteralSegment(text: string): SegmentNfa {
  const b = new NfaBuilder();
  const start = b.state();
  let end = start;
  for (let i = 0; i < text.length; i++) {
    const e = b.state();
    b.edge(end, e, single(text.charCodeAt(i)));
    end = e;
  }
  return { edges: b.edges, eps: b.eps, start, accept: end };
}

/** A segment read literally: the glob's own text names a file or directory too. */
const literalSegment = (text: string): SegmentNfa =>
  shared(literalSegments, text, buildLiteralSegment);

const SPECIAL = /[*?[\\]/;
const isGlobstar = (segment: string) => /^\*\*+$/.test(segment);

/** Leading segments (all but the last) without a glob-special character: literal in every reading. */
export function literalPrefixOf(source: string): string[] {
  const parts = source.split('/');
  const prefix: string[] = [];
  for (const part of parts.slice(0, -1)) {
    if (part === '' || SPECIAL.test(part)) break;
    prefix.push(part);
  }
  return prefix;
}

/**
 * git's wildmatch treats `**` right at the start of the wildcard part as a globstar even when a
 * literal precedes it (`ab**\/c` matches `abc`): that spans segments, so it is not modelled.
 */
function gluedGlobstar(pattern: string): boolean {
  const at = pattern.search(SPECIAL);
  return at > 0 && pattern.startsWith('**', at) && pattern[at - 1] !== '/';
}

/**
 * How git reads a glob, as segment sequences. A glob without wildcards is a file or a directory:
 * its segments, then a globstar. A glob with wildcards is read by them; git also reads its text
 * literally (`src/*.ts` covers a directory literally named `*.ts`), which is left out: otherwise any
 * two wildcard globs would share such names (`**\/*.ts` and `**\/*.md` both cover `*.ts/x.md`).
 */
function readings(pattern: string): SegmentPattern[][] | null {
  const trailingSlash = pattern.endsWith('/');
  const segments = (trailingSlash ? pattern.slice(0, -1) : pattern).split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return null;
  // with a wildcard and a trailing `/`, git's wildcard reading matches no path: only the text is left
  if (!SPECIAL.test(pattern) || trailingSlash) {
    return [
      [
        ...segments.map((s): SegmentPattern => ({ kind: 'segment', nfa: literalSegment(s) })),
        { kind: 'globstar' },
      ],
    ];
  }
  if (pattern.includes('\\') || gluedGlobstar(pattern)) return null;
  const wild: SegmentPattern[] = [];
  for (const segment of segments) {
    if (isGlobstar(segment)) {
      wild.push({ kind: 'globstar' });
      continue;
    }
    const nfa = compileSegment(segment);
    if (!nfa) return null;
    wild.push({ kind: 'segment', nfa });
  }
  return [wild];
}

const cache = new Map<string, CompiledGlob>();

export function compileGlob(source: string): CompiledGlob {
  const hit = cache.get(source);
  if (hit) return hit;
  const pattern = utf8Bytes(source);
  const compiled: CompiledGlob = {
    source,
    alternatives: pattern === '' ? null : readings(pattern),
    literalPrefix: literalPrefixOf(pattern),
  };
  if (cache.size > 10_000) cache.clear();
  cache.set(source, compiled);
  return compiled;
}

/** Candidate characters that are complete for the intersection of two char sets (see witnessChar). */
function candidates(a: CharSet, b: CharSet): number[] {
  const out = [0x61, 0x78, 0x30, 0x5f, 0x2d, 0x41, 1, SLASH + 1, DOT, DOT + 1];
  for (const [lo, hi] of [...a.ranges, ...b.ranges]) out.push(lo, hi, hi + 1, lo - 1);
  return out;
}

/**
 * A character in both sets (and not `/`), or null. Complete: the
 * intersection is a union of intervals, and each interval starts at 1, at some range's `lo`, or just
 * after some range's `hi` or after an excluded point, all of which are candidates.
 */
export function witnessChar(a: CharSet, b: CharSet): number | null {
  for (const code of candidates(a, b)) {
    if (charSetHas(a, code) && charSetHas(b, code)) return code;
  }
  return null;
}

function closure(nfa: SegmentNfa, states: number[]): number[] {
  const seen = new Set(states);
  const stack = [...states];
  while (stack.length) {
    const s = stack.pop()!;
    for (const t of nfa.eps[s]!) {
      if (!seen.has(t)) {
        seen.add(t);
        stack.push(t);
      }
    }
  }
  return [...seen];
}

/**
 * A non-empty segment both automata accept, or null when there is none: breadth-first search over
 * the product automaton, so the witness is a shortest one.
 */
export function intersectSegments(a: SegmentNfa, b: SegmentNfa): string | null {
  type Node = { sa: number; sb: number; started: boolean; prev: Node | null; ch: number };
  // a number per product state: string keys cost more than the search itself
  const width = b.edges.length;
  const key = (sa: number, sb: number, started: boolean) =>
    (sa * width + sb) * 2 + (started ? 1 : 0);
  const seen = new Set<number>();
  const queue: Node[] = [];
  const startA = closure(a, [a.start]);
  const startB = closure(b, [b.start]);
  for (const sa of startA) {
    for (const sb of startB) {
      seen.add(key(sa, sb, false));
      queue.push({ sa, sb, started: false, prev: null, ch: 0 });
    }
  }
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!;
    if (node.started && node.sa === a.accept && node.sb === b.accept) {
      const chars: number[] = [];
      for (let n: Node | null = node; n && n.prev; n = n.prev) chars.push(n.ch);
      return String.fromCodePoint(...chars.reverse());
    }
    for (const ea of a.edges[node.sa]!) {
      for (const eb of b.edges[node.sb]!) {
        const ch = witnessChar(ea.label, eb.label);
        if (ch === null) continue;
        for (const ta of closure(a, [ea.to])) {
          for (const tb of closure(b, [eb.to])) {
            const k = key(ta, tb, true);
            if (seen.has(k)) continue;
            seen.add(k);
            queue.push({ sa: ta, sb: tb, started: true, prev: node, ch });
          }
        }
      }
    }
  }
  return null;
}

/**
 * Globs as micromatch reads them (default options), compiled to per-segment automata for the overlap
 * decision. Every construct is compiled to a language that is a SUPERSET of what micromatch matches:
 * an over-approximation can only turn "disjoint" into "overlap", never the reverse, so the decision
 * stays sound. Constructs we do not model exactly (`!(…)`, escapes, POSIX classes, `[!…]`, …) widen
 * the segment to "any segment"; constructs that could span `/` make the whole pattern opaque.
 */
import micromatch from 'micromatch';

/** Code points a path character can take; `/` is never part of a segment. */
const MAX_CHAR = 0x10ffff;
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
  /** micromatch's `(?!\.)`: a segment starting with `*` or `?` never matches a leading dot. */
  noLeadingDot: boolean;
}

export type SegmentPattern = { kind: 'globstar' } | { kind: 'segment'; nfa: SegmentNfa };

export interface CompiledGlob {
  source: string;
  /** One entry per brace alternative; null when the pattern is opaque (decided as "may overlap"). */
  alternatives: SegmentPattern[][] | null;
  /** Leading segments that are plain literals in every reading, for a cheap disjointness test. */
  literalPrefix: string[];
}

// Characters micromatch treats as themselves (checked by the property test); anything else widens.
const LITERAL = /[A-Za-z0-9_.,=~#%&' $^+@-]/;
const PLAIN_SEGMENT = /^[A-Za-z0-9_,=~#%&' $^+@-][A-Za-z0-9_.,=~#%&' $^+@-]*$/;
const MAX_ALTERNATIVES = 64;

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

/** Parse one segment into the builder; returns null when it needs widening to "any segment". */
function parseSegment(b: NfaBuilder, text: string): Fragment | null {
  let pos = 0;

  const parseSequence = (stopAt: string): Fragment | null => {
    const start = b.state();
    let end = start;
    while (pos < text.length && !stopAt.includes(text[pos]!)) {
      const piece = parseAtom();
      if (!piece) return null;
      b.epsilon(end, piece.start);
      end = piece.end;
    }
    return { start, end };
  };

  const parseAlternatives = (): Fragment[] | null => {
    const alternatives: Fragment[] = [];
    for (;;) {
      const alternative = parseSequence('|)');
      if (!alternative) return null;
      alternatives.push(alternative);
      if (text[pos] === '|') {
        pos++;
        continue;
      }
      if (text[pos] === ')') {
        pos++;
        return alternatives;
      }
      return null; // unbalanced
    }
  };

  const parseClass = (): CharSet | null => {
    // `[` already consumed
    let negated = false;
    if (text[pos] === '^') {
      negated = true;
      pos++;
    }
    if (text[pos] === ']' || text[pos] === '!' || text[pos] === undefined) return null;
    const ranges: Array<[number, number]> = [];
    while (pos < text.length && text[pos] !== ']') {
      const ch = text[pos]!;
      if (ch === '[' || ch === '\\') return null;
      const lo = ch.codePointAt(0)!;
      if (text[pos + 1] === '-' && text[pos + 2] !== undefined && text[pos + 2] !== ']') {
        const hi = text[pos + 2]!.codePointAt(0)!;
        if (hi < lo || text[pos + 2] === '\\' || text[pos + 2] === '[') return null;
        ranges.push([lo, hi]);
        pos += 3;
      } else {
        ranges.push([lo, lo]);
        pos++;
      }
    }
    if (text[pos] !== ']') return null;
    pos++;
    return { negated, ranges };
  };

  const parseAtom = (): Fragment | null => {
    const ch = text[pos]!;
    const next = text[pos + 1];
    if ((ch === '@' || ch === '?' || ch === '*' || ch === '+') && next === '(') {
      pos += 2;
      const alternatives = parseAlternatives();
      // picomatch reads a quantifier right after `)` as a regex quantifier: not modelled, widen.
      if (!alternatives || '?*+'.includes(text[pos] ?? '_')) return null;
      const inner = { start: b.state(), end: b.state() };
      for (const alternative of alternatives) {
        b.epsilon(inner.start, alternative.start);
        b.epsilon(alternative.end, inner.end);
      }
      const outer = { start: b.state(), end: b.state() };
      b.epsilon(outer.start, inner.start);
      b.epsilon(inner.end, outer.end);
      if (ch === '?' || ch === '*') b.epsilon(outer.start, outer.end);
      if (ch === '*' || ch === '+') b.epsilon(inner.end, inner.start);
      return outer;
    }
    if (ch === '*') {
      while (text[pos] === '*' && text[pos + 1] !== '(') pos++;
      const s = b.state();
      b.edge(s, s, ANY_CHAR);
      return { start: s, end: s };
    }
    if (ch === '?') {
      pos++;
      const s = b.state();
      const e = b.state();
      b.edge(s, e, ANY_CHAR);
      return { start: s, end: e };
    }
    if (ch === '[') {
      pos++;
      const set = parseClass();
      if (!set) return null;
      const s = b.state();
      const e = b.state();
      b.edge(s, e, set);
      return { start: s, end: e };
    }
    if (LITERAL.test(ch)) {
      pos++;
      const s = b.state();
      const e = b.state();
      b.edge(s, e, single(ch.codePointAt(0)!));
      return { start: s, end: e };
    }
    return null;
  };

  const whole = parseSequence('');
  return whole && pos === text.length ? whole : null;
}

/** The automaton for "any non-empty segment": the widening for constructs we do not model. */
function anySegment(noLeadingDot: boolean): SegmentNfa {
  const b = new NfaBuilder();
  const s = b.state();
  const e = b.state();
  b.edge(s, e, ANY_CHAR);
  b.edge(e, e, ANY_CHAR);
  return { edges: b.edges, eps: b.eps, start: s, accept: e, noLeadingDot };
}

/** micromatch's `*` as one segment of a globstar: any non-empty segment without a leading dot. */
export const GLOBSTAR_SEGMENT: SegmentNfa = anySegment(true);

/**
 * @param dotGuard whether micromatch's leading-dot guard can apply: it cannot after a brace group,
 *   which picomatch compiles to an alternation in front of the `*` (`{,a}*` matches `.a`).
 * @returns null when the segment may match the empty string (picomatch then collapses slashes around
 *   it in ways we do not model).
 */
export function compileSegment(text: string, dotGuard = true): SegmentNfa | null {
  const noLeadingDot =
    dotGuard &&
    ((text.startsWith('*') && !text.startsWith('*(')) ||
      (text.startsWith('?') && !text.startsWith('?(')));
  const b = new NfaBuilder();
  const fragment = parseSegment(b, text);
  // Unmodelled constructs (`!(…)` can match nothing) give up on the whole pattern.
  if (!fragment) return null;
  const nfa = {
    edges: b.edges,
    eps: b.eps,
    start: fragment.start,
    accept: fragment.end,
    noLeadingDot,
  };
  // A segment of stars alone is guarded non-empty by picomatch (`(?=.)`); any other empty match is not.
  const onlyStars = /^\*+$/.test(text);
  return !onlyStars && closure(nfa, [nfa.start]).includes(nfa.accept) ? null : nfa;
}

// Brace bodies we expand exactly: literal alternatives and ranges, no nesting, no glob characters.
const SIMPLE_BRACES = /^(?:[^{}]|\{[A-Za-z0-9_.,=~#%&' $^+@-]*\})*$/;

/** Split on `/` outside brackets and parentheses; null when a `/` sits inside one (may span segments). */
function splitSegments(pattern: string): string[] | null {
  const segments: string[] = [];
  let depth = 0;
  let bracket = false;
  let current = '';
  for (const ch of pattern) {
    if (ch === '\\') return null;
    if (bracket) {
      if (ch === '/') return null;
      if (ch === ']') bracket = false;
    } else if (ch === '[') bracket = true;
    else if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    else if (ch === '/') {
      if (depth > 0) return null;
      segments.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  segments.push(current);
  return segments;
}

/** Strip what micromatch strips (`./`) and refuse what it would read differently. */
export function normalizePattern(pattern: string): string {
  let p = pattern;
  while (p.startsWith('./')) p = p.slice(2);
  return p;
}

export function literalPrefixOf(source: string): string[] {
  const parts = normalizePattern(source).split('/');
  const prefix: string[] = [];
  for (const part of parts.slice(0, -1)) {
    if (!PLAIN_SEGMENT.test(part)) break;
    prefix.push(part);
  }
  return prefix;
}

const cache = new Map<string, CompiledGlob>();

export function compileGlob(source: string): CompiledGlob {
  const hit = cache.get(source);
  if (hit) return hit;
  const pattern = normalizePattern(source);
  const literalPrefix = literalPrefixOf(pattern);
  let alternatives: SegmentPattern[][] | null = [];
  let expanded: string[] = [];
  const hasBraces = pattern.includes('{') || pattern.includes('}');
  if (pattern.startsWith('!') || pattern.includes('\\')) alternatives = null;
  else if (hasBraces && !SIMPLE_BRACES.test(pattern)) alternatives = null;
  else {
    try {
      expanded = micromatch.braces(pattern, { expand: true });
    } catch {
      alternatives = null;
    }
    if (expanded.length === 0 || expanded.length > MAX_ALTERNATIVES) alternatives = null;
  }
  for (const alternative of expanded) {
    if (!alternatives) break;
    const segments = splitSegments(normalizePattern(alternative));
    if (!segments || segments.some((s) => s === '' || s === '.' || s === '..')) {
      alternatives = null;
      break;
    }
    const compiled: SegmentPattern[] = [];
    for (const segment of segments) {
      if (segment === '**') {
        compiled.push({ kind: 'globstar' });
        continue;
      }
      const nfa = compileSegment(segment, !hasBraces);
      if (!nfa) break;
      compiled.push({ kind: 'segment', nfa });
    }
    if (compiled.length !== segments.length) {
      alternatives = null;
      break;
    }
    alternatives.push(compiled);
  }
  const compiled: CompiledGlob = { source, alternatives, literalPrefix };
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
 * A character in both sets (and not `/`, and not `.` when forbidden), or null. Complete: the
 * intersection is a union of intervals, and each interval starts at 1, at some range's `lo`, or just
 * after some range's `hi` or after an excluded point, all of which are candidates.
 */
export function witnessChar(a: CharSet, b: CharSet, forbidDot: boolean): number | null {
  for (const code of candidates(a, b)) {
    if (forbidDot && code === DOT) continue;
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
  const forbidLeadingDot = a.noLeadingDot || b.noLeadingDot;
  type Node = { sa: number; sb: number; started: boolean; prev: Node | null; ch: number };
  const key = (sa: number, sb: number, started: boolean) => `${sa},${sb},${started ? 1 : 0}`;
  const seen = new Set<string>();
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
        const ch = witnessChar(ea.label, eb.label, forbidLeadingDot && !node.started);
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

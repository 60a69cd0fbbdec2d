/**
 * Whether a path is inside a lock-scope glob: exactly what git lists for the pathspec
 * `:(top,glob)<glob>`, the form in which the shim shows an agent its scopes. The commit check, the
 * push check, save-patch and apply-patch's verifier all ask this module, so an agent is held to
 * what it was shown. A port of git's `match_pathspec_item` (dir.c) and `wildmatch` (wildmatch.c,
 * with WM_PATHNAME); `test/property/scope-glob-git.test.ts` holds it to real git.
 *
 * In short: `*`, `?` and classes stay within one segment and match leading dots; `**` as a whole
 * segment spans segments (dot-directories too); braces, parentheses, `!`, `+` and `@` are plain
 * characters; and the glob's own text names a file or a directory (`src/a` covers `src/a/x`).
 * Pure and dependency-free: save-patch's hot bundle loads it.
 */

const SLASH = 0x2f;
const STAR = 0x2a;
const QUESTION = 0x3f;
const OPEN = 0x5b;
const CLOSE = 0x5d;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const DASH = 0x2d;

const MATCH = 0;
const NOMATCH = 1;
const ABORT_ALL = -1;
const ABORT_TO_STARSTAR = -2;

/** git's glob-special characters (`is_glob_special`): everything else is literal. */
const isSpecial = (c: number): boolean =>
  c === STAR || c === QUESTION || c === OPEN || c === BACKSLASH;

const inRange = (c: number, lo: number, hi: number): boolean => c >= lo && c <= hi;
const isUpper = (c: number) => inRange(c, 0x41, 0x5a);
const isLower = (c: number) => inRange(c, 0x61, 0x7a);
const isDigit = (c: number) => inRange(c, 0x30, 0x39);
const isAlpha = (c: number) => isUpper(c) || isLower(c);
// git's own ctype table: ASCII only, and `\v`/`\f` are not space.
const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isPrint = (c: number) => inRange(c, 0x20, 0x7e);
const isPunct = (c: number) => isPrint(c) && c !== 0x20 && !isAlpha(c) && !isDigit(c);

const POSIX_CLASSES: Record<string, (c: number) => boolean> = {
  alnum: (c) => isAlpha(c) || isDigit(c),
  alpha: isAlpha,
  blank: (c) => c === 0x20 || c === 0x09,
  cntrl: (c) => c < 0x20 || c === 0x7f,
  digit: isDigit,
  graph: (c) => inRange(c, 0x21, 0x7e),
  lower: isLower,
  print: isPrint,
  punct: isPunct,
  space: isSpace,
  upper: isUpper,
  xdigit: (c) => isDigit(c) || inRange(c, 0x41, 0x46) || inRange(c, 0x61, 0x66),
};

/** Byte `i` of a byte string, 0 past its end (C's terminating NUL; paths never hold one). */
const at = (s: string, i: number): number => (i < s.length ? s.charCodeAt(i) : 0);

/** git's `dowild`, with WM_PATHNAME and without case folding, over byte strings. */
function dowild(p: string, pi: number, t: string, ti: number): number {
  const start = pi;
  for (; at(p, pi) !== 0; ti++, pi++) {
    let pCh = at(p, pi);
    let tCh = at(t, ti);
    if (tCh === 0 && pCh !== STAR) return ABORT_ALL;
    switch (pCh) {
      case BACKSLASH:
        pCh = at(p, ++pi);
        if (tCh !== pCh) return NOMATCH;
        continue;
      case QUESTION:
        if (tCh === SLASH) return NOMATCH;
        continue;
      case STAR: {
        let matchSlash = false;
        if (at(p, ++pi) === STAR) {
          const prev = pi;
          while (at(p, ++pi) === STAR);
          // `**` is a globstar only as a whole segment: at the start of the wildcard part or after `/`
          if (
            (prev - start < 2 || at(p, prev - 2) === SLASH) &&
            (at(p, pi) === 0 ||
              at(p, pi) === SLASH ||
              (at(p, pi) === BACKSLASH && at(p, pi + 1) === SLASH))
          ) {
            if (at(p, pi) === SLASH && dowild(p, pi + 1, t, ti) === MATCH) return MATCH;
            matchSlash = true;
          }
        }
        if (at(p, pi) === 0) {
          if (!matchSlash && t.indexOf('/', ti) !== -1) return ABORT_TO_STARSTAR;
          return MATCH;
        }
        if (!matchSlash && at(p, pi) === SLASH) {
          const slash = t.indexOf('/', ti);
          if (slash === -1) return ABORT_ALL;
          ti = slash;
          // the for loop's step consumes the slash in both
          break;
        }
        for (;;) {
          if (tCh === 0) break;
          const next = at(p, pi);
          if (!isSpecial(next)) {
            while ((tCh = at(t, ti)) !== 0 && (matchSlash || tCh !== SLASH)) {
              if (tCh === next) break;
              ti++;
            }
            if (tCh !== next) return matchSlash ? ABORT_ALL : ABORT_TO_STARSTAR;
          }
          const matched = dowild(p, pi, t, ti);
          if (matched !== NOMATCH) {
            if (!matchSlash || matched !== ABORT_TO_STARSTAR) return matched;
          } else if (!matchSlash && tCh === SLASH) return ABORT_TO_STARSTAR;
          tCh = at(t, ++ti);
        }
        return ABORT_ALL;
      }
      case OPEN: {
        pCh = at(p, ++pi);
        if (pCh === 0x5e) pCh = 0x21; // `[^…]` is `[!…]`
        const negated = pCh === 0x21;
        if (negated) pCh = at(p, ++pi);
        let prevCh = 0;
        let matched = false;
        do {
          if (pCh === 0) return ABORT_ALL;
          if (pCh === BACKSLASH) {
            pCh = at(p, ++pi);
            if (pCh === 0) return ABORT_ALL;
            if (tCh === pCh) matched = true;
          } else if (
            pCh === DASH &&
            prevCh !== 0 &&
            at(p, pi + 1) !== 0 &&
            at(p, pi + 1) !== CLOSE
          ) {
            pCh = at(p, ++pi);
            if (pCh === BACKSLASH) {
              pCh = at(p, ++pi);
              if (pCh === 0) return ABORT_ALL;
            }
            if (tCh <= pCh && tCh >= prevCh) matched = true;
            pCh = 0; // a range's end does not start another range
          } else if (pCh === OPEN && at(p, pi + 1) === COLON) {
            const s = (pi += 2);
            while ((pCh = at(p, pi)) !== 0 && pCh !== CLOSE) pi++;
            if (pCh === 0) return ABORT_ALL;
            const len = pi - s - 1;
            if (len < 0 || at(p, pi - 1) !== COLON) {
              // no `:]`: the `[` is a member, and the class goes on after it
              pi = s - 2;
              pCh = OPEN;
              if (tCh === pCh) matched = true;
              continue;
            }
            const name = p.slice(s, s + len);
            // own keys only: `[[:constructor:]]` is malformed to git, not Object's constructor
            if (!Object.hasOwn(POSIX_CLASSES, name)) return ABORT_ALL;
            const test = POSIX_CLASSES[name]!;
            if (test(tCh)) matched = true;
            pCh = 0;
          } else if (tCh === pCh) matched = true;
        } while (((prevCh = pCh), (pCh = at(p, ++pi)) !== CLOSE));
        if (matched === negated || tCh === SLASH) return NOMATCH;
        continue;
      }
      default:
        if (tCh !== pCh) return NOMATCH;
        continue;
    }
  }
  return ti < t.length ? NOMATCH : MATCH;
}

const NON_ASCII = /[^\x00-\x7f]/;

/** git compares bytes: a non-ASCII string as its UTF-8 bytes, one character per byte. */
export const utf8Bytes = (s: string): string =>
  NON_ASCII.test(s) ? Buffer.from(s, 'utf8').toString('latin1') : s;

/** The string whose UTF-8 bytes these are (invalid sequences become U+FFFD). */
export const fromUtf8Bytes = (b: string): string =>
  NON_ASCII.test(b) ? Buffer.from(b, 'latin1').toString('utf8') : b;

/**
 * A path that reached us with U+FFFD: git printed bytes that are not UTF-8, decoding replaced them,
 * and git's answer for the real bytes is lost (`src/\xff` is one byte to `?`, three as U+FFFD).
 */
export const undecodablePath = (path: string): boolean => path.includes('\uFFFD');

/**
 * Is `path` inside one of the agent's own `globs`, as the commit, push and patch checks ask: git's
 * answer, except that an undecodable name is inside none (fail closed).
 */
export function inOwnScopes(path: string, globs: readonly string[]): boolean {
  return !undecodablePath(path) && matchesAnyGlob(path, globs);
}

/** Length of the glob's leading run without a glob-special character (git's `nowildcard_len`). */
export function literalLength(glob: string): number {
  for (let i = 0; i < glob.length; i++) if (isSpecial(glob.charCodeAt(i))) return i;
  return glob.length;
}

/** Is `path` (repository-relative, `/`-separated) what git lists for `:(top,glob)<glob>`? */
export function matchesGlob(path: string, glob: string): boolean {
  if (glob === '') return true;
  const p = utf8Bytes(glob);
  const t = utf8Bytes(path);
  // The glob's text itself names the file, or a directory and everything under it.
  if (t.startsWith(p)) {
    if (t.length === p.length || p.endsWith('/') || t.charCodeAt(p.length) === SLASH) return true;
  }
  const literal = literalLength(p);
  if (literal === p.length || !t.startsWith(p.slice(0, literal))) return false;
  return dowild(p, literal, t, literal) === MATCH;
}

export function matchesAnyGlob(path: string, globs: readonly string[]): boolean {
  for (const glob of globs) if (matchesGlob(path, glob)) return true;
  return false;
}

/** The pathspec git is given for a scope glob: root-relative, with git's glob magic. */
export const globPathspec = (glob: string): string => `:(top,glob)${glob}`;

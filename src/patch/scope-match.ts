/**
 * Scope globs: one matcher decides which paths a scope covers, and the same globs become git
 * pathspecs. Saving filters git's answer through the matcher, so a patch never holds a path the
 * matcher would reject when the orchestrator verifies it.
 */
import { createRequire } from 'node:module';

type Micromatch = typeof import('micromatch');

const MATCH_OPTIONS = { dot: true, nobrace: false, noext: false } as const;

// micromatch (~7 ms to load) is loaded only for globs the matchers below cannot decide: braces,
// classes, extglobs. save-patch's start-up time is most of its cost.
let loaded: Micromatch | undefined;
function micromatch(): Micromatch {
  loaded ??= createRequire(import.meta.url)('micromatch') as Micromatch;
  return loaded;
}

/** A glob with no wildcard except a trailing `/**`: matched by prefix, without micromatch. */
const SIMPLE = /^[^*?[\]{}()!+@\\]*?(\/\*\*)?$/;

/**
 * Per segment of a glob that only has `*` and `?` within segments and `**` as whole segments: a
 * regex, or null for `**`. Undefined when micromatch must decide: classes, braces, extglobs,
 * escapes, `|` (an alternative to picomatch), `**` inside a segment, and `**` right after a segment ending in `*` (there picomatch's
 * zero-segment match depends on the characters before). The property test holds it to micromatch.
 */
const segmentGlobs = new Map<string, Array<RegExp | null> | undefined>();
function segmentGlob(glob: string): Array<RegExp | null> | undefined {
  if (segmentGlobs.has(glob)) return segmentGlobs.get(glob);
  let compiled: Array<RegExp | null> | undefined;
  const segments = glob.split('/');
  const plain = !/[[\]{}()!+@\\|]/.test(glob) && !segments.includes('');
  const quirky = segments.some(
    (segment, i) =>
      (segment.includes('**') && segment !== '**') ||
      (segment === '**' && i > 0 && segments[i - 1] !== '**' && segments[i - 1]!.endsWith('*')),
  );
  if (plain && !quirky) {
    compiled = segments.map((segment) =>
      segment === '**'
        ? null
        : new RegExp(
            `^${segment.replace(/[.^$]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`,
          ),
    );
  }
  segmentGlobs.set(glob, compiled);
  return compiled;
}

/** Does a leading run of `path`'s segments (all of them, or fewer when `under`) match the glob's? */
function segmentsMatch(
  path: readonly string[],
  at: number,
  glob: ReadonlyArray<RegExp | null>,
  g: number,
  under: boolean,
): boolean {
  if (g === glob.length) return at === path.length || (under && at > 0);
  const segment = glob[g];
  if (segment === null) {
    for (let next = at; next <= path.length; next++) {
      if (segmentsMatch(path, next, glob, g + 1, under)) return true;
    }
    return false;
  }
  return (
    at < path.length && segment!.test(path[at]!) && segmentsMatch(path, at + 1, glob, g + 1, under)
  );
}

/** Every brace alternative as its own glob (git pathspecs have no braces). */
export function expandScopeGlob(glob: string): string[] {
  const trimmed = glob.replace(/^\.\//, '').replace(/\/+$/, '');
  if (!/[{}]/.test(trimmed)) return [trimmed];
  return micromatch().braces(trimmed, { expand: true });
}

/** Is `path` (repository-relative, `/`-separated) inside one of `globs`? A glob naming a directory covers everything under it. */
export function pathInScopes(path: string, globs: readonly string[]): boolean {
  for (const glob of globs) {
    for (const one of expandScopeGlob(glob)) {
      if (one === '' || one === '.' || one === '**') return true;
      if (path === one || path.startsWith(`${one}/`)) return true;
      if (SIMPLE.test(one)) {
        const base = one.endsWith('/**') ? one.slice(0, -3) : one;
        if (path === base || path.startsWith(`${base}/`)) return true;
        continue;
      }
      const segments = segmentGlob(one);
      const parts = path.split('/');
      if (segments && !parts.includes('')) {
        // the glob itself, or a directory it matches (micromatch's `<glob>/**` below)
        if (segmentsMatch(parts, 0, segments, 0, true)) return true;
        continue;
      }
      if (micromatch().isMatch(path, one, MATCH_OPTIONS)) return true;
      if (micromatch().isMatch(path, `${one}/**`, MATCH_OPTIONS)) return true;
    }
  }
  return false;
}

/** The literal leading directories of a glob (`src/a` for `src/a/**`, `` for `*.ts`). */
export function globBase(glob: string): string {
  const parts = glob.split('/');
  const literal: string[] = [];
  for (const part of parts) {
    if (/[*?[\]{}()!+@\\]/.test(part)) break;
    literal.push(part);
  }
  return literal.length === parts.length ? glob : literal.join('/');
}

/** Git pathspecs covering at least what `pathInScopes` covers (the matcher then narrows). */
export function pathspecsFor(globs: readonly string[]): string[] {
  const specs = new Set<string>();
  for (const glob of globs) {
    for (const one of expandScopeGlob(glob)) {
      if (one === '' || one === '.' || one === '**') {
        specs.add(':(top)');
        continue;
      }
      specs.add(`:(top,glob)${one}`);
      // git's glob magic does not treat a plain directory name as "everything under it" for wildcards
      if (/[*?[]/.test(one)) specs.add(`:(top,glob)${one}/**`);
    }
  }
  return [...specs];
}

/** A glob an agent may not hand to git as a scope. */
export function problemWithGlob(glob: string): string | null {
  if (glob.trim() === '') return 'is empty';
  if (glob.startsWith('!')) return 'is a negation; name the paths to include instead';
  if (glob.startsWith('/') || /^[A-Za-z]:[\\/]/.test(glob))
    return 'is absolute; give a path relative to the repository root';
  if (glob.split('/').includes('..')) return 'climbs out with `..`';
  if (glob.startsWith(':')) return 'is a git pathspec with magic; give a plain glob';
  return null;
}

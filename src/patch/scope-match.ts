/**
 * Scope globs: one matcher decides which paths a scope covers, and the same globs become git
 * pathspecs. Saving filters git's answer through the matcher, so a patch never holds a path the
 * matcher would reject when the orchestrator verifies it.
 */
import { createRequire } from 'node:module';

type Micromatch = typeof import('micromatch');

const MATCH_OPTIONS = { dot: true, nobrace: false, noext: false } as const;

// micromatch is loaded only for globs the fast path below cannot decide: save-patch's start-up
// time is most of its cost, and most scopes are `dir/**` or plain paths.
let loaded: Micromatch | undefined;
function micromatch(): Micromatch {
  loaded ??= createRequire(import.meta.url)('micromatch') as Micromatch;
  return loaded;
}

/** A glob with no wildcard except a trailing `/**`: matched by prefix, without micromatch. */
const SIMPLE = /^[^*?[\]{}()!+@\\]*?(\/\*\*)?$/;

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

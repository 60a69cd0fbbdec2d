/**
 * Scope globs for save-patch and apply-patch: a glob covers exactly what git lists for the
 * pathspec `:(top,glob)<glob>` (src/scopes/match.ts, the lock scopes' own matcher), so a patch
 * holds what the saving agent's scoped `git status` showed it, and the verifier agrees. Saving
 * filters git's answer through the matcher as well, so a patch never holds a path its own scopes
 * reject. Dependency-free: save-patch's hot bundle loads it.
 */
import { globPathspec, inOwnScopes } from '../scopes/match.js';
import { scopeGlobProblem } from '../scopes/patterns.js';

/** Is `path` (repository-relative, `/`-separated) inside one of `globs`? The checks' one answer. */
export const pathInScopes = inOwnScopes;

/** The git pathspecs of the scopes: exactly the paths `pathInScopes` accepts. */
export function pathspecsFor(globs: readonly string[]): string[] {
  return [...new Set(globs.map(globPathspec))];
}

/** A glob an agent may not hand to git as a scope (a phrase after "the glob"), or null. */
export function problemWithGlob(glob: string): string | null {
  return scopeGlobProblem(glob);
}

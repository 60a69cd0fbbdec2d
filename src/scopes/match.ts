/** Whether a path is inside a lease glob: the one matcher (micromatch, default options) every check uses. */
import micromatch from 'micromatch';

/** The one place the matching options live: leases, overlap and the commit check must agree. */
export const MATCH_OPTIONS = {} as const;

export function matchesGlob(path: string, pattern: string): boolean {
  return micromatch.isMatch(path, pattern, MATCH_OPTIONS);
}

export function matchesAnyGlob(path: string, patterns: readonly string[]): boolean {
  return patterns.length > 0 && micromatch.isMatch(path, patterns as string[], MATCH_OPTIONS);
}

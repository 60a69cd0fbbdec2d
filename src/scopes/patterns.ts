/**
 * Scope globs as the CLI accepts them (lease patterns, `save-patch --path`): repository-root
 * relative, read as git reads the pathspec `:(top,glob)<glob>` (see match.ts).
 */
import { GitfenceError } from '../errors.js';

/** Strip the `./` a user may type: git takes a `:(top,…)` pathspec verbatim, and no path starts so. */
export function normalizePattern(pattern: string): string {
  let p = pattern;
  while (p.startsWith('./')) p = p.slice(2);
  return p;
}

/**
 * Why a scope glob cannot be used, as a phrase after "the glob", or null. What git would read
 * differently from what was typed is refused.
 */
export function scopeGlobProblem(glob: string): string | null {
  const pattern = normalizePattern(glob);
  if (pattern.trim() === '') return 'is empty';
  if (pattern.startsWith('/') || /^[A-Za-z]:[\\/]/.test(pattern))
    return 'is absolute; give a path relative to the repository root';
  if (pattern.startsWith('!')) return 'is a negation; name the paths to include instead';
  if (pattern.startsWith(':')) return 'is a git pathspec with magic; give a plain glob';
  const segments = pattern.replace(/\/$/, '').split('/');
  if (segments.includes('..')) return 'climbs out with `..`';
  if (segments.some((s) => s === '' || s === '.'))
    return 'has an empty or `.` segment, which git matches against no path';
  if (/[*?[\\]/.test(pattern) && pattern.endsWith('/'))
    return `ends with \`/\` after a wildcard, which git matches against no path; use '${pattern}**'`;
  // git's glob pathspecs have no braces: `src/{a,b}` would name a directory called "{a,b}"
  if (/[{}]/.test(pattern))
    return "has braces, which git pathspecs do not expand: give each alternative as its own glob ('src/a/**' 'src/b/**'); `[{]` matches a literal brace";
  return null;
}

export function validateLeasePattern(raw: string): string {
  const pattern = normalizePattern(raw.trim());
  const problem = scopeGlobProblem(pattern);
  if (problem) {
    throw new GitfenceError('USAGE', `invalid lock scope: the glob ${problem}`, {
      where: 'gitfence lock acquire',
      expected: "a glob relative to the repository root, such as 'src/api/**'",
      got: JSON.stringify(raw),
      hint: 'name the files from the repository root; `dir/` or `dir` covers everything under dir',
    });
  }
  return pattern;
}

/** Lease globs as the CLI accepts them: repository-root relative, as micromatch reads them. */
import { GitfenceError } from '../errors.js';
import { normalizePattern } from './glob-automaton.js';

export function validateLeasePattern(raw: string): string {
  const pattern = normalizePattern(raw.trim());
  const problem =
    pattern === ''
      ? 'it is empty'
      : pattern.startsWith('/')
        ? 'it is absolute'
        : pattern.startsWith('!')
          ? 'a negated glob cannot be leased'
          : pattern.split('/').some((s) => s === '..')
            ? 'it leaves the repository (`..`)'
            : pattern.endsWith('/')
              ? 'it ends with `/` (micromatch matches no file then)'
              : null;
  if (problem) {
    throw new GitfenceError('USAGE', `invalid lock scope: ${problem}`, {
      where: 'gitfence lock acquire',
      expected: "a glob relative to the repository root, such as 'src/api/**'",
      got: JSON.stringify(raw),
      hint: pattern.endsWith('/')
        ? `use '${pattern}**'`
        : 'name the files from the repository root',
    });
  }
  return pattern;
}

/**
 * save-patch's scope matcher decides `*`/`?`/`**` globs without micromatch; for every glob and
 * path it must answer exactly as before, when micromatch decided them (apply-patch verifies with
 * the same matcher, so saving and verifying agree either way).
 */
import fc from 'fast-check';
import micromatch from 'micromatch';
import { expect, it } from 'vitest';
import { pathInScopes } from '../../src/patch/scope-match.js';

const OPTIONS = { dot: true, nobrace: false, noext: false };

/** pathInScopes as it was: plain globs and `dir/**` by prefix, micromatch for every other wildcard. */
function micromatchInScope(path: string, glob: string): boolean {
  const one = glob.replace(/^\.\//, '').replace(/\/+$/, '');
  if (one === '' || one === '.' || one === '**') return true;
  if (path === one || path.startsWith(`${one}/`)) return true;
  if (/^[^*?[\]{}()!+@\\]*?(\/\*\*)?$/.test(one)) {
    const base = one.endsWith('/**') ? one.slice(0, -3) : one;
    return path === base || path.startsWith(`${base}/`);
  }
  return micromatch.isMatch(path, one, OPTIONS) || micromatch.isMatch(path, `${one}/**`, OPTIONS);
}

// Few distinct names keep matches likely; regex-special and dotted names check the escaping.
const names = ['a', 'b', 'ab', 'ba', '.a', 'a.b', '.b', 'x$', '^y', 'a|b', 'é', ' s', 'a*', '?'];
const path = fc
  .array(fc.constantFrom(...names), { minLength: 1, maxLength: 4 })
  .map((segments) => segments.join('/'));

const globSegment = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...names.filter((n) => !/[*?]/.test(n))) },
  {
    weight: 4,
    arbitrary: fc.constantFrom('*', 'a*', '*a', '*.b', '?', 'a?', '?b*', '*?', '.*', 'a|*', '^*$'),
  },
  { weight: 2, arbitrary: fc.constant('**') },
);
const glob = fc
  .array(globSegment, { minLength: 1, maxLength: 4 })
  .map((segments) => segments.join('/'));

it('answers as before for plain, `*`, `?` and `**` globs', () => {
  fc.assert(
    fc.property(path, glob, (p, g) => {
      expect(pathInScopes(p, [g])).toBe(micromatchInScope(p, g));
    }),
    { numRuns: 20_000 },
  );
});

it('answers as before for the paths a glob base can be, including the empty one', () => {
  for (const g of ['*', 'a/*', '**/b', 'a/**/b', '?', 'a*/b']) {
    for (const p of ['', 'a', 'a/b', 'b'])
      expect(pathInScopes(p, [g])).toBe(micromatchInScope(p, g));
  }
});

import { describe, expect, it } from 'vitest';
import { matchesGlob } from '../../src/scopes/match.js';
import { findOverlap } from '../../src/scopes/overlap.js';

const both = (example: string | undefined, a: string, b: string) =>
  example !== undefined && matchesGlob(example, a) && matchesGlob(example, b);

describe('findOverlap (globs as git reads them)', () => {
  it.each([
    ['src/**/*.ts', 'src/api/**'],
    ['src/**/*.ts', 'src/a/**'],
    ['**', 'docs/readme.md'],
    ['**', 'a/b/c/*.js'],
    ['src/[a-c]*/**', 'src/b/**'],
    ['src/.config/**', 'src/.*/x'],
    ['src/a/**', 'src/a/x'],
    ['**/*.md', 'docs/**'],
    ['*.ts', '?ndex.ts'],
    // git's `*` and `**` cover dotfiles and dot-directories
    ['**', 'src/.env'],
    ['src/*.ts', 'src/.x.ts'],
    ['src/**', 'src/.cfg/x'],
    // a glob without wildcards names a directory too
    ['src/a', 'src/a/x.ts'],
    ['src/a/', 'src/**/*.ts'],
    ['src/[!a]/x', 'src/b/**'],
    ['src/{a,b}/**', 'src/{a,b}/x'],
  ])('%s and %s overlap, with an example both match', (a, b) => {
    const r = findOverlap(a, b);
    expect(r.overlap).toBe(true);
    expect(r.exact).toBe(true);
    expect(both(r.example, a, b)).toBe(true);
  });

  it.each([
    ['src/a/**', 'src/b/**'],
    ['docs/**', 'src/a/**'],
    ['src/**/*.ts', 'src/**/*.md'],
    ['src/*', 'src/a/b'],
    ['src/a', 'src/ab/**'],
    ['src/[a-c]/**', 'src/[d-f]/**'],
    ['src/[!a]/**', 'src/a/x'],
    // braces are plain characters to git
    ['src/{a,b}/**', 'src/a/**'],
    ['src/@(x|y)/*.ts', 'src/x/**'],
  ])('%s and %s are disjoint', (a, b) => {
    expect(findOverlap(a, b)).toEqual({ overlap: false, exact: true });
  });

  it('reports a conflict when it cannot decide', () => {
    expect(findOverlap('src/\\*/**', 'src/b/**')).toEqual({ overlap: true, exact: false });
    expect(findOverlap('src/[[:alpha:]]/**', 'src/1/**')).toEqual({ overlap: true, exact: false });
    // git reads a `**` right after the literal start as a globstar: `ab**/c` covers `abc`
    expect(findOverlap('src/ab**/c', 'src/abc').overlap).toBe(true);
  });

  it('compares non-ASCII names byte by byte, as git does', () => {
    // `??` is two bytes, and `é` is two bytes in UTF-8
    expect(findOverlap('src/??', 'src/é')).toMatchObject({ overlap: true, example: 'src/é' });
    expect(findOverlap('src/?', 'src/é')).toEqual({ overlap: false, exact: true });
  });
});

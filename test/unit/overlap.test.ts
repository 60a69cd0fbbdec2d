import micromatch from 'micromatch';
import { describe, expect, it } from 'vitest';
import { findOverlap } from '../../src/scopes/overlap.js';

const both = (example: string | undefined, a: string, b: string) =>
  example !== undefined && micromatch.isMatch(example, a) && micromatch.isMatch(example, b);

describe('findOverlap', () => {
  it.each([
    ['src/**/*.ts', 'src/api/**'],
    ['src/**/*.ts', 'src/a/**'],
    ['**', 'docs/readme.md'],
    ['**', 'a/b/c/*.js'],
    ['src/{a,b}/**', 'src/b/x.ts'],
    ['src/@(x|y)/*.ts', 'src/y/**'],
    ['src/[a-c]*/**', 'src/b/**'],
    ['src/.config/**', 'src/.*/x'],
    ['src/a/**', 'src/a'],
    ['**/*.md', 'docs/**'],
    ['*.ts', '?ndex.ts'],
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
    ['**', 'src/.env'], // globstar never matches dotfiles (micromatch default)
    ['src/*', 'src/a/b'],
    ['src/*.ts', 'src/.x.ts'],
    ['a/{b,c}/**', 'a/d/**'],
    ['src/[a-c]/**', 'src/[d-f]/**'],
  ])('%s and %s are disjoint', (a, b) => {
    expect(findOverlap(a, b)).toEqual({ overlap: false, exact: true });
  });

  it('reports a conflict when it cannot decide', () => {
    expect(findOverlap('src/!(a)/**', 'src/b/**').overlap).toBe(true);
    expect(findOverlap('src/@(a/b|c)', 'src/a/b').overlap).toBe(true);
  });
});

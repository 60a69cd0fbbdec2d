import { describe, expect, it } from 'vitest';
import { splitArgs } from '../../src/git/split.js';
import { GitfenceError } from '../../src/errors.js';

describe('splitArgs', () => {
  const cases: Array<[string, string[]]> = [
    ['', []],
    ['   ', []],
    ['a b  c', ['a', 'b', 'c']],
    ['\ta\nb ', ['a', 'b']],
    [`'a b' "c d" e\\ f`, ['a b', 'c d', 'e f']],
    [`commit -m "reset --hard"`, ['commit', '-m', 'reset --hard']],
    [`''`, ['']],
    [`"" x`, ['', 'x']],
    [`a''b`, ['ab']],
    [`"a\\"b"`, ['a"b']],
    [`"a\\b"`, ['a\\b']],
    [`'a\\b'`, ['a\\b']],
    [`'it'\\''s'`, ["it's"]],
    [`-c alias.x='reset --hard' x`, ['-c', 'alias.x=reset --hard', 'x']],
    [`a\\\nb`, ['ab']],
    [`"$HOME"`, ['$HOME']],
    [`pre"mid dle"post`, ['premid dlepost']],
  ];
  it.each(cases)('%j', (line, words) => {
    expect(splitArgs(line)).toEqual(words);
  });

  it.each([`"abc`, `'abc`, `a 'b`, `x\\`, `"a\\"`])('throws USAGE on unbalanced %j', (line) => {
    let caught: unknown;
    try {
      splitArgs(line);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(GitfenceError);
    expect((caught as GitfenceError).code).toBe('USAGE');
    expect((caught as GitfenceError).details.hint).toBeTruthy();
  });
});

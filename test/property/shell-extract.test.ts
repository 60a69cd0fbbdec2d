import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extractGitCalls } from '../../src/agents/shell/extract.js';

/** Quote one argument for POSIX sh, always with single quotes. */
const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;
/** Quote for a double-quoted context: escape what is special there. */
const dquote = (arg: string) => `"${arg.replace(/[\\"$`]/g, '\\$&')}"`;

const arg = fc
  .string({ minLength: 0, maxLength: 12, unit: 'binary-ascii' })
  .filter((s) => !s.includes('\0'));
const argv = fc.array(arg, { minLength: 0, maxLength: 6 });

describe('extractGitCalls properties', () => {
  it('recovers any argv quoted with single quotes', () => {
    fc.assert(
      fc.property(argv, (args) => {
        const calls = extractGitCalls(['git', ...args].map(quote).join(' ')).calls;
        expect(calls.map((c) => c.argv)).toEqual([args]);
      }),
    );
  });

  it('recovers any argv quoted with double quotes', () => {
    fc.assert(
      fc.property(argv, (args) => {
        const calls = extractGitCalls(['git', ...args].map(dquote).join(' ')).calls;
        expect(calls.map((c) => c.argv)).toEqual([args]);
      }),
    );
  });

  it('sees the same argv through bash -c, sudo, env and eval', () => {
    fc.assert(
      fc.property(
        argv,
        fc.constantFrom('bash -c', 'sh -c', 'eval', 'sudo bash -c', 'env bash -c'),
        (args, wrapper) => {
          const inner = ['git', ...args].map(quote).join(' ');
          const calls = extractGitCalls(`${wrapper} ${quote(inner)}`).calls;
          expect(calls.map((c) => c.argv)).toEqual([args]);
        },
      ),
    );
  });

  it('never finds a call in single-quoted data passed to echo, printf or grep', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 40 }),
        fc.constantFrom('echo', 'printf', 'grep -r'),
        (text, program) => {
          const result = extractGitCalls(`${program} ${quote(`git ${text}`)} file`);
          expect(result.calls).toEqual([]);
          expect(result.unparseable).toBeUndefined();
        },
      ),
    );
  });

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80, unit: 'binary-ascii' }), (text) => {
        const result = extractGitCalls(text);
        expect(Array.isArray(result.calls)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeInvocation, parseInvocation, splitArgs } from '../../src/git/index.js';

const word = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.constantFrom(
    '-',
    '--',
    '-C',
    '-c',
    '--git-dir',
    '=',
    '--force',
    '-fdx',
    '--no-',
    '--end-of-options',
    'reset',
    'checkout',
    'stash',
    'push',
    'x',
    'alias.x=!git x',
    'alias.y=y',
  ),
  fc
    .tuple(
      fc.constantFrom('-', '--', '--no-'),
      fc.string({ maxLength: 8 }),
      fc.constantFrom('', '=', '=v'),
    )
    .map(([a, b, c]) => a + b + c),
);
const argv = fc.array(word, { maxLength: 10 });
const env = fc.dictionary(
  fc.constantFrom(
    'GIT_CONFIG_PARAMETERS',
    'GIT_CONFIG_COUNT',
    'GIT_CONFIG_KEY_0',
    'GIT_CONFIG_VALUE_0',
    'GIT_DIR',
    'HUSKY',
  ),
  fc.string({ maxLength: 16 }),
);
const aliases = fc.dictionary(
  fc.constantFrom('x', 'y', 'z'),
  fc.oneof(fc.string({ maxLength: 16 }), fc.constantFrom('!git x', 'y', 'z', 'x', 'reset --hard')),
);

describe('parseInvocation properties', () => {
  it('never throws on arbitrary argv, env and aliases', () => {
    fc.assert(
      fc.property(argv, env, aliases, (a, e, al) => {
        const inv = parseInvocation(a, { env: e, cwd: '/r', aliases: al });
        expect(typeof normalizeInvocation(inv)).toBe('string');
      }),
      { numRuns: 1500 },
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(argv, env, aliases, (a, e, al) => {
        const ctx = { env: e, cwd: '/r', aliases: al };
        expect(parseInvocation(a, ctx)).toEqual(parseInvocation([...a], { ...ctx }));
      }),
      { numRuns: 500 },
    );
  });

  it('an option after the operands means the same as before them', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('--force', '-f', '--mirror', '--delete', '--forc'),
        fc.array(fc.stringMatching(/^[a-z][a-z0-9/]{0,8}$/), { maxLength: 3 }),
        (opt, ops) => {
          const before = parseInvocation(['push', opt, ...ops], {
            env: {},
            cwd: '/r',
          }).effects.sort();
          const after = parseInvocation(['push', ...ops, opt], {
            env: {},
            cwd: '/r',
          }).effects.sort();
          expect(after).toEqual(before);
        },
      ),
    );
  });
});

describe('splitArgs properties', () => {
  const sq = (w: string): string => `'${w.replace(/'/g, `'\\''`)}'`;
  it('round-trips words quoted with single quotes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'grapheme', maxLength: 20 }), { maxLength: 8 }),
        (words) => {
          expect(splitArgs(words.map(sq).join(' '))).toEqual(words);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('either splits or throws a USAGE error, never anything else', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (line) => {
        try {
          expect(Array.isArray(splitArgs(line))).toBe(true);
        } catch (e) {
          expect((e as { code?: string }).code).toBe('USAGE');
        }
      }),
      { numRuns: 1000 },
    );
  });
});

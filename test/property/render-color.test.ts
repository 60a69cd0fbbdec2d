import fc from 'fast-check';
import { createColors } from 'picocolors';
import { describe, expect, it } from 'vitest';
import { colors } from '../../src/render/color.js';

const STYLE_NAMES = [
  'reset',
  'bold',
  'dim',
  'italic',
  'underline',
  'inverse',
  'hidden',
  'strikethrough',
  'black',
  'red',
  'green',
  'yellow',
  'blue',
  'magenta',
  'cyan',
  'white',
  'gray',
] as const;

describe('render colours', () => {
  it('write exactly what picocolors writes, nested styles included, on and off', () => {
    const pieces = fc.oneof(
      fc.string(),
      fc.constantFrom('\x1b[39m', '\x1b[22m', '\x1b[0m', '\x1b[1m', '\x1b[31m'),
    );
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(fc.constantFrom(...STYLE_NAMES), { minLength: 1, maxLength: 3 }),
        fc.array(pieces, { maxLength: 6 }),
        (enabled, styles, parts) => {
          const ours = colors(enabled);
          const theirs = createColors(enabled);
          let a = parts.join('');
          let b = a;
          for (const name of styles) {
            a = ours[name](a);
            b = theirs[name](b);
          }
          expect(a).toBe(b);
          expect(ours.isColorSupported).toBe(enabled);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('turn numbers, null and undefined into text the same way', () => {
    for (const enabled of [true, false]) {
      for (const value of [0, 42, null, undefined]) {
        expect(colors(enabled).red(value)).toBe(createColors(enabled).red(value));
      }
    }
  });
});

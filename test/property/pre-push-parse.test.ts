/** The streamed log parser: however git's output is cut into pieces, the result is the same. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PatchLogParser, parsePatchLog } from '../../src/hooks/diff-parse.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const Z = '0'.repeat(40);

const LOG = [
  `\0${A}\tAnn <a@x>\tsecond\tcommit`,
  '',
  `:100644 100644 ${'b'.repeat(40)} ${'c'.repeat(40)} M\tsrc/a.ts`,
  `:100644 000000 ${'e'.repeat(40)} ${Z} D\t"we\\303\\251ird\\tname"`,
  '',
  'diff --git a/src/a.ts b/src/a.ts',
  '--- a/src/a.ts',
  '+++ b/src/a.ts',
  '@@ -1 +1,2 @@',
  '+++ added line that looks like a header',
  '+ünïcödé — and more ✓',
  '-gone',
  'diff --git a/x b/x',
  '--- a/x',
  '+++ /dev/null',
  '@@ -1 +0,0 @@',
  '-x',
  `\0${B}\tBob <b@x>\tfirst`,
  '',
  `:000000 100644 ${Z} ${'d'.repeat(40)} A\tsrc/a.ts`,
  '',
  'diff --git a/src/a.ts b/src/a.ts',
  '+++ b/src/a.ts',
  '@@ -0,0 +1 @@',
  '+first',
  '+<<<<<<< HEAD',
].join('\n');

function parseInPieces(text: string, cuts: number[], keep = true) {
  const blobs: string[] = [];
  const parser = new PatchLogParser(
    (blob) => blobs.push(blob),
    () => keep,
  );
  let from = 0;
  for (const cut of [...new Set(cuts)].sort((x, y) => x - y)) {
    parser.push(text.slice(from, cut));
    from = cut;
  }
  parser.push(text.slice(from));
  return { change: parser.end(), blobs };
}

describe('PatchLogParser', () => {
  for (const ending of ['', '\n']) {
    it(`gives the whole-text result for any cutting of the output (${ending ? 'final newline' : 'no final newline'})`, () => {
      const text = LOG + ending;
      const whole = parsePatchLog(text);
      fc.assert(
        fc.property(fc.array(fc.nat({ max: text.length }), { maxLength: 30 }), (cuts) => {
          const { change, blobs } = parseInPieces(text, cuts);
          expect(change.commits).toEqual(whole.commits);
          expect(change.files).toEqual(whole.files);
          expect(change.addedLines).toEqual(whole.addedLines);
          expect(change.diff).toBe(whole.diff);
          expect(blobs).toEqual(whole.files.flatMap((f) => f.blobs));
        }),
        { numRuns: 400 },
      );
    });
  }

  it('parses the same without keeping the text, and then refuses to make up a diff', () => {
    const whole = parsePatchLog(LOG);
    const { change } = parseInPieces(LOG, [5, 100, 333]);
    const { change: lean } = parseInPieces(LOG, [5, 100, 333], false);
    expect(lean.commits).toEqual(whole.commits);
    expect(lean.files).toEqual(whole.files);
    expect(lean.addedLines).toEqual(whole.addedLines);
    expect(change.diff).toBe(whole.diff);
    expect(() => lean.diff).toThrow(/not kept/);
    expect(whole.addedLines.map((l) => l.line)).toContain('ünïcödé — and more ✓');
  });
});

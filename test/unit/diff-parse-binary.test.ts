import { describe, expect, it } from 'vitest';
import { PatchLogParser, TextBlobJudge } from '../../src/hooks/diff-parse.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);

describe('TextBlobJudge', () => {
  const batch = Buffer.concat([
    Buffer.from(`${A} blob 4\ntext\n`),
    Buffer.from(`${B} blob 3\n\0\x01\x02\n`),
    Buffer.from(`${C} missing\n`),
  ]);

  it('finds text by git’s test, whatever the pieces the output arrives in', () => {
    for (let size = 1; size <= batch.length; size++) {
      const judge = new TextBlobJudge();
      for (let at = 0; at < batch.length; at += size) judge.push(batch.subarray(at, at + size));
      expect([...judge.text].sort(), `pieces of ${size}`).toEqual([A, C]);
    }
  });

  it('looks only at the first 8000 bytes', () => {
    const late = Buffer.concat([Buffer.alloc(8000, 'x'), Buffer.from([0])]);
    const judge = new TextBlobJudge();
    judge.push(Buffer.concat([Buffer.from(`${A} blob ${late.length}\n`), late, Buffer.from('\n')]));
    expect([...judge.text]).toEqual([A]);
  });
});

describe('a staged diff’s binary sections', () => {
  it('are recorded without a commit header, with the staged blob', () => {
    const parsed = [
      `:000000 100644 ${'0'.repeat(40)} ${A} A\tnew file.txt`,
      'diff --git a/new file.txt b/new file.txt',
      'new file mode 100644',
      `index 0000000..${A}`,
      'Binary files /dev/null and b/new file.txt differ',
      '',
    ].join('\n');
    const parser = new PatchLogParser();
    parser.push(parsed);
    expect(parser.binaries).toEqual([{ commit: '', path: 'new file.txt', blob: A }]);
  });
});

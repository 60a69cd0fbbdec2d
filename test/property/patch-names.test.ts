/**
 * Any file name git can store survives save → parse: the patch's headers (C-quoted, octal UTF-8,
 * spaces, tabs, newlines, quotes, backslashes) decode back to exactly the names on disk.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { gatherScopedPatch } from '../../src/patch/gather.js';
import { createGitRunner } from '../../src/util/git-runner.js';
import { discoverRepo, type RepoInfo } from '../../src/repo/discover.js';
import { createSandbox, type Sandbox } from '../helpers/sandbox.js';

let sb: Sandbox;
let repo: string;
let info: RepoInfo;
const git = () => createGitRunner('git', { ...process.env, ...sb.env });

beforeAll(async () => {
  sb = createSandbox();
  repo = sb.makeRepo('names', { 'README.md': 'x\n', 'scope/keep.txt': 'keep\n' });
  info = (await discoverRepo(repo, git()))!;
});
afterAll(() => sb.cleanup());

const nameChar = fc.oneof(
  fc.constantFrom(
    ' ',
    '\t',
    '\n',
    '"',
    '\\',
    "'",
    '*',
    '?',
    '[',
    ']',
    '{',
    '}',
    '#',
    '~',
    'é',
    'ü',
    '日',
    '😀',
    '\u00a0',
  ),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
);
const fileName = fc
  .array(nameChar, { minLength: 1, maxLength: 12 })
  .map((chars) => chars.join(''))
  .filter(
    (n) =>
      !n.includes('/') &&
      !n.includes('\0') &&
      n !== '.' &&
      n !== '..' &&
      n !== '.git' &&
      Buffer.byteLength(n) < 200,
  );

it('file names round-trip through the patch', async () => {
  let round = 0;
  await fc.assert(
    fc.asyncProperty(fc.uniqueArray(fileName, { minLength: 1, maxLength: 4 }), async (names) => {
      round += 1;
      const dir = `scope/r${round}`;
      sb.write(join(repo, dir, '.keep'), '');
      for (const name of names)
        writeFileSync(join(repo, dir, name), `content of ${JSON.stringify(name)}\n`);
      const patch = await gatherScopedPatch({ git: git(), repo: info, scopes: [`${dir}/**`] });
      const saved = patch.files.map((f) => f.path).sort();
      expect(saved).toEqual([`${dir}/.keep`, ...names.map((n) => `${dir}/${n}`)].sort());
      expect(patch.files.every((f) => f.status === 'A')).toBe(true);
    }),
    { numRuns: 25 },
  );
});

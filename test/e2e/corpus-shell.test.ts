/**
 * A handful of peer-corpus cases end to end through the built `gitfence check-shell`, in a
 * repository whose policy extends `precise` (the corpus labels are precise's). The whole corpus
 * runs in process in test/unit/shell-corpus.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCorpusText } from '../helpers/corpus.js';
import { createSandbox, must, type Sandbox } from '../helpers/sandbox.js';

const PICKED = [
  'git reset --hard',
  'sudo -u root git reset --hard',
  "bash -c 'git reset --hard'",
  'echo HEAD | xargs git reset --hard',
  "git config alias.nuke 'reset --hard' && git nuke",
  "python3 <<'EOF'\nimport subprocess\nsubprocess.run('git clean -fdx', shell=True)\nEOF",
  'git commit -m "$(git reset --hard)"',
  'git push --force origin main',
  'git status',
  'git checkout main',
  'git checkout -b feature/new-thing',
  'git restore --staged file.txt',
  'git commit -m "Fix git reset --hard detection"',
  'cat <<EOF\ngit reset --hard\nEOF',
  'git push --force-with-lease',
];

interface Case {
  cmd: string;
  expect: 'block' | 'allow';
}

let sandbox: Sandbox;
let repo: string;

beforeAll(() => {
  sandbox = createSandbox();
  repo = sandbox.makeRepo('repo', {
    'README.md': 'hello\n',
    'file.txt': 'x\n',
    'gitfence.policy.ts':
      "import { definePolicy, presets } from 'gitfence';\nexport default definePolicy({ extends: [presets.precise] });\n",
  });
  must(sandbox.git(repo, 'branch', 'feature'));
  must(sandbox.gitfence(repo, ['compile']));
});
afterAll(() => sandbox.cleanup());

describe('peer corpus cases through the built check-shell (precise)', () => {
  const corpus = readCorpusText()
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Case);
  const cases = PICKED.map((cmd) => corpus.find((c) => c.cmd === cmd)).filter(
    (c): c is Case => c !== undefined,
  );

  it('found every picked case in the corpus', () => {
    expect(cases.length).toBe(PICKED.length);
  });

  it.each(cases.map((c) => [c.expect, c.cmd] as const))('%s: %s', (expected, cmd) => {
    const result = sandbox.gitfence(repo, ['check-shell', '--', cmd]);
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(expected === 'block' ? 42 : 0);
  });
});

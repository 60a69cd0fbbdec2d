/**
 * A staged file git prints as `Binary files … differ` has no added lines in `git diff --cached -p`.
 * When that is only an attribute's say (`-diff`, `binary`, a diff driver's `binary`), which the
 * repository's own `.gitattributes` can set, the commit-stage custom checks still read the file's
 * added lines; content git itself finds binary stays unread. Real git, the real installed hook.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, must, type RunResult, type Sandbox } from '../helpers/sandbox.js';

let sb: Sandbox;
let repo: string;
beforeAll(() => {
  sb = createSandbox();
  repo = sb.makeRepo('commit-binary', { 'f.txt': 'a\n', 'other.txt': 'o\n' });
  writeFileSync(
    join(repo, 'gitfence.policy.ts'),
    `import { definePolicy, presets } from 'gitfence';
export default definePolicy({
  extends: [presets.opsGitSafety],
  commit: {
    checks: [
      {
        id: 'no-markers',
        stage: 'commit',
        run: (ctx) =>
          ctx.addedLines
            .filter((l) => /^(<{7}|>{7}|\\|{7})/.test(l.line))
            .map((l) => 'conflict marker in ' + l.path),
      },
    ],
  },
});
`,
  );
  must(sb.gitfence(repo, ['init', '--yes']));
});
afterAll(() => sb.cleanup());

/** Stage `files` and commit through the installed pre-commit hook. */
function commit(files: Record<string, string | Buffer>, gitArgs: string[] = []): RunResult {
  for (const [file, content] of Object.entries(files)) {
    if (typeof content === 'string') sb.write(join(repo, file), content);
    else writeFileSync(join(repo, file), content);
    must(sb.git(repo, 'add', file));
  }
  return sb.git(repo, ...gitArgs, 'commit', '-q', '-m', 'edit');
}

/** Set up without the hook (the attributes themselves are not what is tested). */
function commitUnchecked(files: Record<string, string>) {
  for (const [file, content] of Object.entries(files)) {
    sb.write(join(repo, file), content);
    must(sb.git(repo, 'add', file));
  }
  must(sb.git(repo, 'commit', '-q', '--no-verify', '-m', 'setup'));
}

function expectRefused(result: RunResult, path: string) {
  expect(result.code, result.stderr).not.toBe(0);
  expect(result.stderr).toContain('check/no-markers');
  expect(result.stderr).toContain(`conflict marker in ${path}`);
}

const staged = () => sb.git(repo, 'diff', '--cached', '--name-only').stdout.trim();

describe('a staged text file marked binary by an attribute', () => {
  it('is refused for a conflict marker, with the attribute in .gitattributes', () => {
    must(sb.git(repo, 'checkout', '-q', '-b', 'attr', 'main'));
    commitUnchecked({ '.gitattributes': 'f.txt -diff\n' });
    expectRefused(commit({ 'f.txt': 'a\n<<<<<<< HEAD\n' }), 'f.txt');
    must(sb.git(repo, 'reset', '-q', '--hard'));
  });

  it('is refused for an added file, a name with a space, and a diff driver’s binary setting', () => {
    must(sb.git(repo, 'checkout', '-q', '-b', 'driver', 'main'));
    commitUnchecked({ '.gitattributes': '*.txt diff=opaque\n' });
    const result = commit({ 'new file.txt': 'x\n>>>>>>> theirs\n' }, [
      '-c',
      'diff.opaque.binary=true',
    ]);
    expectRefused(result, 'new file.txt');
    must(sb.git(repo, 'reset', '-q', '--hard'));
  });

  it('goes through when the text it adds is clean', () => {
    must(sb.git(repo, 'checkout', '-q', '-b', 'clean', 'main'));
    commitUnchecked({ '.gitattributes': 'f.txt -diff\n' });
    const result = commit({ 'f.txt': 'a\nclean\n', 'other.txt': 'o\nplain\n' });
    expect(result.code, result.stderr).toBe(0);
    expect(staged()).toBe('');
  });
});

describe('staged content git itself finds binary', () => {
  it('is not read as text: a marker after a NUL byte does not refuse the commit', () => {
    must(sb.git(repo, 'checkout', '-q', '-b', 'real-binary', 'main'));
    const result = commit({ 'blob.bin': Buffer.from('\0\x01\x02\n<<<<<<< not text\n', 'binary') });
    expect(result.code, result.stderr).toBe(0);
    expect(staged()).toBe('');
  });
});

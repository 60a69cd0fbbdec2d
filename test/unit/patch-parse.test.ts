import { describe, expect, it } from 'vitest';
import { GitfenceError } from '../../src/errors.js';
import { parsePatch, unquoteCPath } from '../../src/patch/parse.js';
import { pathInScopes, pathspecsFor, problemWithGlob } from '../../src/patch/scope-match.js';
import { unsafePath } from '../../src/patch/verify.js';

const MODIFY = [
  'diff --git a/src/a/x.txt b/src/a/x.txt',
  'index 5626abf0f72e58d7a153368ba57db4c673c0e171..b8626c4cff2849624fb67f87cd0ad72b163671ad 100644',
  '--- a/src/a/x.txt',
  '+++ b/src/a/x.txt',
  '@@ -1,2 +1,2 @@',
  ' one',
  '-two',
  '+TWO',
  '',
].join('\n');

function usage(fn: () => unknown): GitfenceError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(GitfenceError);
    expect((error as GitfenceError).code).toBe('USAGE');
    return error as GitfenceError;
  }
  throw new Error('expected a usage error');
}

describe('parsePatch', () => {
  it('reads modifications, additions, deletions, renames, mode and type changes', () => {
    const patch = [
      MODIFY,
      'diff --git a/src/a/new.txt b/src/a/new.txt\nnew file mode 100644\nindex 0000000..e69de29\n',
      'diff --git a/src/a/gone b/src/a/gone\ndeleted file mode 100755\nindex 1111111..0000000\n--- a/src/a/gone\n+++ /dev/null\n@@ -1 +0,0 @@\n-bye\n',
      'diff --git a/src/a/old name b/src/a/new name\nsimilarity index 100%\nrename from src/a/old name\nrename to src/a/new name\n',
      'diff --git a/run.sh b/run.sh\nold mode 100644\nnew mode 100755\n',
      'diff --git a/t b/t\ndeleted file mode 100644\nindex 1111111..0000000\n--- a/t\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n',
      'diff --git a/t b/t\nnew file mode 120000\nindex 0000000..2222222\n--- /dev/null\n+++ b/t\n@@ -0,0 +1 @@\n+x.txt\n\\ No newline at end of file\n',
    ].join('');
    expect(parsePatch(patch).map((f) => [f.status, f.path, f.oldPath])).toEqual([
      ['M', 'src/a/x.txt', undefined],
      ['A', 'src/a/new.txt', undefined],
      ['D', 'src/a/gone', undefined],
      ['R', 'src/a/new name', 'src/a/old name'],
      ['M', 'run.sh', undefined],
      ['T', 't', undefined],
    ]);
  });

  it('decodes quoted names (octal UTF-8, escapes) and the tab after spaced names', () => {
    const patch =
      'diff --git "a/src/\\303\\274 x.txt" "b/src/\\303\\274 x.txt"\nnew file mode 100644\nindex 0000000..1111111\n--- /dev/null\n+++ "b/src/\\303\\274 x.txt"\t\n@@ -0,0 +1 @@\n+x\n' +
      'diff --git a/with space.txt b/with space.txt\nindex 1111111..2222222 100644\n--- a/with space.txt\t\n+++ b/with space.txt\t\n@@ -1 +1 @@\n-a\n+b\n' +
      'diff --git "a/tab\\there" "b/tab\\there"\nold mode 100644\nnew mode 100755\n';
    expect(parsePatch(patch).map((f) => f.path)).toEqual([
      'src/ü x.txt',
      'with space.txt',
      'tab\there',
    ]);
    expect(unquoteCPath('"a\\"b\\\\c"')).toEqual({ name: 'a"b\\c', rest: '' });
    expect(unquoteCPath('"bad\\q"')).toBeNull();
  });

  it('reads binary patches', () => {
    const patch =
      'diff --git a/b.bin b/b.bin\nnew file mode 100644\nindex 0000000000000000000000000000000000000000..1234567890123456789012345678901234567890\nGIT binary patch\nliteral 5\nMcmZ?wbaHS20000\n\nliteral 0\nHcmV?d00001\n\n';
    expect(parsePatch(patch)).toEqual([
      { path: 'b.bin', status: 'A', newMode: '100644', binary: true },
    ]);
  });

  it('rejects what git would not have written', () => {
    usage(() => parsePatch(''));
    usage(() => parsePatch('hello\n' + MODIFY));
    usage(() => parsePatch(MODIFY.slice(0, -1)));
    expect(usage(() => parsePatch(MODIFY.replace('+TWO', '+TWO\n+THREE'))).message).toContain(
      'after a file body',
    );
    expect(usage(() => parsePatch(MODIFY.replace(' one\n', ''))).message).toContain(
      'ends inside a hunk',
    );
    expect(
      usage(() => parsePatch(MODIFY.replace('+++ b/src/a/x.txt', '+++ b/docs/x'))).message,
    ).toContain('disagrees');
    usage(() => parsePatch('diff --git a/x b/x\nBinary files a/x and b/x differ\n'));
    usage(() => parsePatch('diff --git a/x b/x\nGIT binary patch\nliteral 3\n!!!\n\n'));
    usage(() => parsePatch('diff --git a/x b/x\nnew file mode 100666\n'));
    usage(() => parsePatch('diff --git x y\n'));
  });
});

describe('scopes', () => {
  it('matches globs, dotfiles and directory names as git does', () => {
    expect(pathInScopes('src/a/x.ts', ['src/a/**'])).toBe(true);
    expect(pathInScopes('src/a/.env', ['src/a/**'])).toBe(true);
    expect(pathInScopes('src/a/deep/x.ts', ['src/a'])).toBe(true);
    expect(pathInScopes('src/ab/x.ts', ['src/a'])).toBe(false);
    expect(pathInScopes('src/a/x.ts', ['src/*.ts'])).toBe(false);
    // a wildcard glob covers what it matches, not what lies under it (git's `:(glob)`)
    expect(pathInScopes('src/a/x.ts', ['src/*'])).toBe(false);
    expect(pathInScopes('src/b/x', ['src/{a,b}/**'])).toBe(false);
    expect(pathInScopes('docs/x', ['src/a/**'])).toBe(false);
    expect(pathInScopes('anything/at/all', ['**'])).toBe(true);
  });

  it('turns globs into the top-anchored glob pathspecs the shim uses', () => {
    expect(pathspecsFor(['src/a/**', 'docs/x', 'src/a/**'])).toEqual([
      ':(top,glob)src/a/**',
      ':(top,glob)docs/x',
    ]);
    expect(pathspecsFor(['**'])).toEqual([':(top,glob)**']);
  });

  it('refuses globs that leave the repository or carry pathspec magic', () => {
    expect(problemWithGlob('src/a/**')).toBeNull();
    expect(problemWithGlob('./src/a/')).toBeNull();
    for (const glob of [
      '',
      '/etc',
      '../x',
      'a/../../b',
      ':(top)x',
      '!x',
      'src/{a,b}',
      'a//b',
      '.',
      'src/*/',
    ]) {
      expect(problemWithGlob(glob)).not.toBeNull();
    }
    expect(unsafePath('src/a/x')).toBeNull();
    for (const path of [
      '/abs',
      '../x',
      'a/./b',
      'a//b',
      '.git/hooks/pre-commit',
      'sub/.GIT/config',
    ]) {
      expect(unsafePath(path)).not.toBeNull();
    }
  });
});

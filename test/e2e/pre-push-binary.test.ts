/**
 * A file git prints as `Binary files … differ` has no added lines in `git log -p`. When that is
 * only an attribute's say (`-diff`, `binary`, a diff driver's `binary`), which the pushed commit's
 * own `.gitattributes` can set, the pre-push check still reads the file's added lines; content git
 * itself finds binary stays unread. Real git, the real installed hook, a real bare remote.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, must, type RunResult, type Sandbox } from '../helpers/sandbox.js';

let sb: Sandbox;
let repo: string;
let remote: string;
beforeAll(() => {
  sb = createSandbox();
  repo = sb.makeRepo('binary', { 'f.txt': 'a\n', 'other.txt': 'o\n' });
  remote = join(sb.root, 'binary-remote.git');
  must(sb.git(sb.root, 'init', '-q', '--bare', remote));
  must(sb.git(repo, 'remote', 'add', 'origin', remote));
  must(sb.git(repo, 'push', '-q', 'origin', 'main'));
  must(sb.gitfence(repo, ['init', '--yes']));
});
afterAll(() => sb.cleanup());

function commit(files: Record<string, string | Buffer>) {
  for (const [file, content] of Object.entries(files)) {
    if (typeof content === 'string') sb.write(join(repo, file), content);
    else writeFileSync(join(repo, file), content);
    must(sb.git(repo, 'add', file));
  }
  must(sb.git(repo, 'commit', '-q', '--no-verify', '-m', 'edit'));
}

const head = () => sb.git(repo, 'rev-parse', 'HEAD').stdout.trim();
const remoteSha = (ref: string) => sb.git(remote, 'rev-parse', '--verify', '-q', ref).stdout.trim();

function expectRefused(result: RunResult, ruleId: string, where: string) {
  expect(result.code, result.stderr).not.toBe(0);
  expect(result.stderr).toContain(`gitfence: denied ${ruleId}`);
  expect(result.stderr).toContain(where);
}

describe('a text file marked binary by an attribute', () => {
  it('is refused for a conflict marker, with the attribute in the pushed .gitattributes', () => {
    must(sb.git(repo, 'checkout', '-q', '-b', 'attr', 'main'));
    commit({ '.gitattributes': 'f.txt -diff\nnew\\ file.txt binary\n' });
    commit({ 'f.txt': 'a\n<<<<<<< HEAD\n' });
    const result = sb.git(repo, 'push', 'origin', 'attr');
    expectRefused(result, 'push/conflict-marker', `f.txt in ${head().slice(0, 7)}`);
    expect(remoteSha('attr')).toBe('');
  });

  it('is refused for an added file, a name with a space, and a diff driver’s binary setting', () => {
    must(sb.git(repo, 'checkout', '-q', '-b', 'driver', 'main'));
    commit({ '.gitattributes': '*.txt diff=opaque\n' });
    commit({ 'new file.txt': 'x\n>>>>>>> theirs\n' });
    const result = sb.git(repo, '-c', 'diff.opaque.binary=true', 'push', 'origin', 'driver');
    expectRefused(result, 'push/conflict-marker', `new file.txt in ${head().slice(0, 7)}`);
    expect(remoteSha('driver')).toBe('');
  });

  it('is refused when the marker is added in a merge', () => {
    must(sb.git(repo, 'checkout', '-q', '-b', 'merge-side', 'main'));
    commit({ 'other.txt': 'o\nside\n' });
    must(sb.git(repo, 'checkout', '-q', '-b', 'merged', 'main'));
    commit({ '.gitattributes': 'f.txt -diff\n' });
    must(sb.git(repo, 'merge', '-q', '--no-commit', 'merge-side'));
    sb.write(join(repo, 'f.txt'), 'a\n||||||| base\n');
    must(sb.git(repo, 'add', 'f.txt'));
    must(sb.git(repo, 'commit', '-q', '--no-verify', '-m', 'merge'));
    const result = sb.git(repo, 'push', 'origin', 'merged');
    expectRefused(result, 'push/conflict-marker', `f.txt in ${head().slice(0, 7)}`);
    expect(remoteSha('merged')).toBe('');
  });

  it('goes through when the text it adds is clean, and is not read twice', () => {
    must(sb.git(repo, 'checkout', '-q', '-b', 'clean', 'main'));
    commit({ '.gitattributes': 'f.txt -diff\n' });
    commit({ 'f.txt': 'a\nclean\n', 'other.txt': 'o\nplain\n' });
    const result = sb.git(repo, 'push', 'origin', 'clean');
    expect(result.code, result.stderr).toBe(0);
    expect(remoteSha('clean')).toBe(head());
  });
});

describe('content git itself finds binary', () => {
  it('is not read as text: a marker after a NUL byte does not refuse the push', () => {
    must(sb.git(repo, 'checkout', '-q', '-b', 'real-binary', 'main'));
    commit({ 'blob.bin': Buffer.from('\0\x01\x02\n<<<<<<< not text\n', 'binary') });
    const result = sb.git(repo, 'push', 'origin', 'real-binary');
    expect(result.code, result.stderr).toBe(0);
    expect(remoteSha('real-binary')).toBe(head());
  });
});

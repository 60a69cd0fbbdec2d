/**
 * Lock-scope matching holes found in review: each case is a glob or a path where the matcher once
 * answered otherwise than git, checked against real git and through the real pre-commit hook.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchesGlob } from '../../src/scopes/match.js';
import { createSandbox, installPreCommitHook, must, type Sandbox } from '../helpers/sandbox.js';

let sb: Sandbox;
let repo: string;

const lsFiles = (glob: string): string[] =>
  must(sb.git(repo, 'ls-files', '-z', '--', `:(top,glob)${glob}`))
    .stdout.split('\0')
    .filter((p) => p !== '');

const commit = (agent: string, ...paths: string[]) => {
  must(sb.run('git', ['add', '--', ...paths], { cwd: repo }));
  return sb.run('git', ['commit', '-q', '-m', 'change'], {
    cwd: repo,
    env: { LLM_AGENT_NAME: agent },
  });
};

beforeAll(() => {
  sb = createSandbox();
  repo = sb.makeRepo('holes', { 'src/c.ts': 'c\n', 'src/d.ts': 'd\n' });
  must(sb.gitfence(repo, ['compile']));
  installPreCommitHook(sb, repo);
});
afterAll(() => sb.cleanup());

describe('a bracket class whose name is an Object.prototype key', () => {
  // git knows twelve class names; any other aborts the wildcard, so only the literal text matches
  const globs = ['src/[[:constructor:]]*', 'src/[[:toString:]]*', 'src/[[:__proto__:]]*'];

  it('matches what git lists (nothing here), and does not throw', () => {
    for (const glob of globs) {
      expect(lsFiles(glob)).toEqual([]);
      expect(['src/c.ts', 'src/d.ts'].filter((p) => matchesGlob(p, glob))).toEqual([]);
    }
  });

  it('gives the commit check no path git would not list for the scope', () => {
    must(sb.gitfence(repo, ['lock', 'acquire', 'src/[[:constructor:]]*'], { LLM_AGENT_NAME: 'A' }));
    sb.write(join(repo, 'src/c.ts'), 'c2\n');
    const r = commit('A', 'src/c.ts');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('gitfence/commit-outside-scope');
    must(sb.run('git', ['reset', '-q'], { cwd: repo }));
  });
});

describe('a path whose bytes are not UTF-8', () => {
  it('is not committed into a scope git says it is outside', () => {
    const raw = join(sb.root, 'nonutf8');
    const dir = sb.makeRepo('nonutf8', { 'README.md': 'r\n' });
    expect(dir).toBe(raw);
    must(sb.gitfence(dir, ['compile']));
    must(sb.git(dir, 'config', 'core.hooksPath', join(sb.root, 'hooks')));
    mkdirSync(join(dir, 'src'));
    // src/<0xff>: one byte, so git lists it for B's 'src/?' and not for A's 'src/???'
    writeFileSync(Buffer.from(`${dir}/src/\xff`, 'latin1'), 'x\n');
    must(sb.gitfence(dir, ['lock', 'acquire', 'src/?'], { LLM_AGENT_NAME: 'B' }));
    must(sb.gitfence(dir, ['lock', 'acquire', 'src/???'], { LLM_AGENT_NAME: 'A' }));
    const listed = must(sb.git(dir, 'ls-files', '-o', '--', ':(top,glob)src/???')).stdout;
    expect(listed).toBe('');
    must(sb.run('git', ['add', 'src'], { cwd: dir }));
    const r = sb.run('git', ['commit', '-q', '-m', 'x'], {
      cwd: dir,
      env: { LLM_AGENT_NAME: 'A' },
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('gitfence/commit-outside-scope');
  });
});

describe('a staged submodule change hidden by diff.ignoreSubmodules', () => {
  it('is still counted by the commit check', () => {
    const dir = sb.makeRepo('gitlink', { 'README.md': 'r\n' });
    must(sb.gitfence(dir, ['compile']));
    must(sb.git(dir, 'config', 'core.hooksPath', join(sb.root, 'hooks')));
    // a gitlink need not name a commit this repository has
    must(sb.git(dir, 'update-index', '--add', '--cacheinfo', `160000,${'1'.repeat(40)},src/b/sub`));
    must(sb.run('git', ['commit', '-q', '-m', 'sub'], { cwd: dir }));
    must(sb.gitfence(dir, ['lock', 'acquire', 'src/b/**'], { LLM_AGENT_NAME: 'B' }));
    must(sb.gitfence(dir, ['lock', 'acquire', 'src/a/**'], { LLM_AGENT_NAME: 'A' }));
    must(sb.git(dir, 'update-index', '--cacheinfo', `160000,${'2'.repeat(40)},src/b/sub`));
    sb.write(join(dir, 'src/a/f.ts'), 'a\n');
    must(sb.git(dir, 'add', 'src/a/f.ts'));
    const r = sb.run('git', ['-c', 'diff.ignoreSubmodules=all', 'commit', '-q', '-m', 'x'], {
      cwd: dir,
      env: { LLM_AGENT_NAME: 'A' },
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('gitfence/commit-in-foreign-scope');
    expect(r.stderr).toContain('src/b/sub');
  });
});

describe('a pushed root commit with log.showRoot=false', () => {
  it('still has its files checked against the agent’s scopes', () => {
    const dir = sb.makeRepo('rootpush', { 'README.md': 'r\n' });
    const remote = join(sb.root, 'rootpush-remote.git');
    must(sb.git(sb.root, 'init', '-q', '--bare', remote));
    must(sb.git(dir, 'remote', 'add', 'origin', remote));
    must(sb.git(dir, 'push', '-q', 'origin', 'main'));
    must(sb.gitfence(dir, ['init', '--yes']));
    const agent = { LLM_AGENT_NAME: 'A' };
    must(sb.gitfence(dir, ['lock', 'acquire', 'mine/**'], agent));
    must(sb.git(dir, 'checkout', '-q', '--orphan', 'fresh'));
    must(sb.git(dir, 'rm', '-rqf', '--cached', '.'));
    sb.write(join(dir, 'theirs/y.txt'), 'not mine\n');
    must(sb.git(dir, 'add', 'theirs/y.txt'));
    must(sb.run('git', ['commit', '-q', '--no-verify', '-m', 'root'], { cwd: dir }));
    const r = sb.run('git', ['-c', 'log.showRoot=false', 'push', 'origin', 'fresh'], {
      cwd: dir,
      env: agent,
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('push/out-of-scope');
    expect(r.stderr).toContain('theirs/y.txt');
  });
});

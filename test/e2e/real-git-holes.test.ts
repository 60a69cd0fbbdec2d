/**
 * gitfence's own reads must run the real git whatever the checked call's environment says: a fake
 * git that answers the staged diff or the alias table with nothing would otherwise let the call
 * through. Husky hooks as `gitfence init` installs them; agent decisions through check-shell and
 * the Claude Code hook.
 */
import { chmodSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRealGitRunner } from '../../src/facts/real-git.js';
import { inspectGitHooks } from '../../src/install/git-hooks.js';
import { createSandbox, must, type Sandbox } from '../helpers/sandbox.js';

let sb: Sandbox;
let repo: string;
let realGit: string;
/** A directory whose `git` answers `diff`, `config` and `log` with nothing and runs the real git otherwise. */
let evil: string;
let fake: string;

beforeAll(() => {
  sb = createSandbox();
  realGit = realpathSync(must(sb.run('sh', ['-c', 'command -v git'])).stdout.trim());
  evil = join(sb.root, 'evil');
  mkdirSync(evil);
  fake = join(evil, 'git');
  writeFileSync(
    fake,
    `#!/bin/sh\nfor a in "$@"; do case "$a" in diff|config|log) exit 0;; esac; done\nexec '${realGit}' "$@"\n`,
  );
  chmodSync(fake, 0o755);
  repo = sb.makeRepo('realgit', { 'README.md': 'r\n', 'theirs/y.txt': 'y\n', 'mine/x.txt': 'x\n' });
  must(sb.gitfence(repo, ['init', '--yes']));
  must(sb.gitfence(repo, ['lock', 'acquire', 'theirs/**'], { LLM_AGENT_NAME: 'B' }));
  must(sb.gitfence(repo, ['lock', 'acquire', 'mine/**'], { LLM_AGENT_NAME: 'A' }));
  must(sb.git(repo, 'config', 'alias.nuke', 'reset --hard'));
});
afterAll(() => sb.cleanup());

describe('husky pre-commit: the staged diff is read by the git `gitfence init` found', () => {
  const commitTheirs = (env: Record<string, string>) => {
    sb.write(join(repo, 'theirs/y.txt'), `changed ${Math.random()}\n`);
    must(sb.git(repo, 'add', 'theirs/y.txt'));
    const r = sb.run('git', ['commit', '-q', '-m', 'not mine'], {
      cwd: repo,
      env: { LLM_AGENT_NAME: 'A', ...env },
    });
    must(sb.git(repo, 'reset', '-q'));
    return r;
  };

  it('refuses the commit into another agent’s scope without tricks', () => {
    const r = commitTheirs({});
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('gitfence/commit-in-foreign-scope');
  });

  it('refuses it with GITFENCE_REAL_GIT pointing at a fake', () => {
    const r = commitTheirs({ GITFENCE_REAL_GIT: fake });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('gitfence/commit-in-foreign-scope');
  });

  it('refuses it with a fake git first on PATH', () => {
    const r = commitTheirs({ PATH: `${evil}${delimiter}${sb.env.PATH}` });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('gitfence/commit-in-foreign-scope');
  });

  it('refuses it with GIT_EXEC_PATH naming a directory with a fake git', () => {
    const r = commitTheirs({ GIT_EXEC_PATH: evil });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('gitfence/commit-in-foreign-scope');
  });

  it('refuses it with a fake git in the repository’s node_modules/.bin (husky puts it first)', () => {
    const bin = join(repo, 'node_modules', '.bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'git'), `#!/bin/sh\nexec '${fake}' "$@"\n`, { mode: 0o755 });
    try {
      const r = commitTheirs({});
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('gitfence/commit-in-foreign-scope');
    } finally {
      sb.run('rm', ['-rf', join(repo, 'node_modules')]);
    }
  });
});

describe('the hook block names the real git', () => {
  it('bakes in the real git, fails closed when it is gone, and doctor flags an older block', async () => {
    const dir = sb.makeRepo('realgit-block');
    must(sb.gitfence(dir, ['init', '--yes'], { GITFENCE_REAL_GIT: realGit }));
    const script = join(dir, '.husky', 'pre-commit');
    const text = readFileSync(script, 'utf8');
    expect(text).toContain(`gitfence_git='${realGit}'`);
    // idempotent: a second run changes nothing
    expect(must(sb.gitfence(dir, ['init', '--yes'])).stdout).not.toContain('updated');
    const git = createRealGitRunner(sb.env, sb.home, 'repository-at-cwd');
    expect(await inspectGitHooks(dir, git)).toEqual([]);

    sb.write(join(dir, 'f.txt'), 'f\n');
    must(sb.git(dir, 'add', 'f.txt'));
    writeFileSync(script, text.replace(`gitfence_git='${realGit}'`, `gitfence_git='${fake}.gone'`));
    const gone = sb.run('git', ['commit', '-q', '-m', 'f'], { cwd: dir });
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toContain('run `gitfence init` in this repository again');

    writeFileSync(script, text.replaceAll(' --real-git="$gitfence_git" --', ''));
    expect((await inspectGitHooks(dir, git)).join('\n')).toContain('names no real git');
  });
});

describe('husky pre-push: the pushed files are read by the git `gitfence init` found', () => {
  it('refuses a push of another agent’s files with GITFENCE_REAL_GIT pointing at a fake', () => {
    const remote = join(sb.root, 'realgit-remote.git');
    must(sb.git(sb.root, 'init', '-q', '--bare', remote));
    must(sb.git(repo, 'remote', 'add', 'origin', remote));
    must(sb.git(repo, 'push', '-q', '--no-verify', 'origin', 'main'));
    sb.write(join(repo, 'theirs/y.txt'), 'pushed by A\n');
    must(sb.git(repo, 'add', 'theirs/y.txt'));
    // committed by a human: the push check is what stands between it and the remote
    must(sb.git(repo, 'commit', '-q', '-m', 'theirs'));
    for (const env of [{ GITFENCE_REAL_GIT: fake }, { GIT_EXEC_PATH: evil }, {}]) {
      const r = sb.run('git', ['push', 'origin', 'HEAD:refs/heads/a-work'], {
        cwd: repo,
        env: { LLM_AGENT_NAME: 'A', ...env },
      });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('push/out-of-scope');
    }
  });
});

describe('agent decisions: the alias table is read by the hook process’s git', () => {
  // built when run: the fake exists only after beforeAll
  const assignments: Record<string, () => string> = {
    GITFENCE_REAL_GIT: () => `GITFENCE_REAL_GIT=${fake}`,
    PATH: () => `PATH=${evil}:$PATH`,
    GIT_EXEC_PATH: () => `GIT_EXEC_PATH=${evil}`,
  };
  const cases = Object.keys(assignments);
  const nuke = (name: string) => `${assignments[name]!()} ${realGit} nuke`;

  it('denies the alias with no assignment', () => {
    const r = sb.gitfence(repo, ['check-shell', '--', `${realGit} nuke`], { LLM_AGENT_NAME: 'A' });
    expect(r.code).toBe(42);
    expect(r.stderr).toContain('reset');
  });

  it.each(cases)('check-shell denies the alias with %s from the command string', (name) => {
    const r = sb.gitfence(repo, ['check-shell', '--', nuke(name)], { LLM_AGENT_NAME: 'A' });
    expect(r.code).toBe(42);
    expect(r.stderr).toContain('reset');
  });

  it.each(cases)('the Claude Code hook blocks the alias with %s', (name) => {
    const input = JSON.stringify({
      hook_event_name: 'PreToolUse',
      tool_name: 'Bash',
      tool_input: { command: nuke(name) },
      cwd: repo,
    });
    const r = sb.gitfence(repo, ['hook', 'claude-code'], { LLM_AGENT_NAME: 'A' }, input);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('reset');
  });
});

/**
 * `gitfence worktree add | list | release` end to end: the built CLI as a real process against real
 * git in throwaway repositories, with the agents' edits, save-patch/apply-patch hand-over, snapshots,
 * and the `.git` write-lock (real chattr, as root).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, createSandbox, must, type RunResult, type Sandbox } from '../helpers/sandbox.js';

const chattrWorks = process.getuid?.() === 0 && spawnSync('chattr', ['--help']).error === undefined;

let sb: Sandbox;
let repo: string;

function gf(cwd: string, args: string[], env: Record<string, string | undefined> = {}): RunResult {
  return sb.gitfence(cwd, args, env);
}

function git(cwd: string, ...args: string[]): string {
  return must(sb.git(cwd, ...args)).stdout.trim();
}

const wtPath = (agent: string) => join(sb.root, 'repo.worktrees', agent);
const records = () =>
  existsSync(join(repo, '.git/gitfence/worktrees.json'))
    ? (
        JSON.parse(readFileSync(join(repo, '.git/gitfence/worktrees.json'), 'utf8')) as {
          worktrees: Array<{ agent: string }>;
        }
      ).worktrees.map((r) => r.agent)
    : [];
const branchExists = (name: string) =>
  sb.git(repo, 'rev-parse', '--verify', '-q', `refs/heads/${name}`).code === 0;

beforeEach(() => {
  sb = createSandbox();
  repo = sb.makeRepo('repo', { 'README.md': 'hello\n', 'src/a.txt': 'a\n', 'src/b.txt': 'b\n' });
});

afterEach(() => {
  if (chattrWorks) spawnSync('chattr', ['-R', '-i', sb.root], { stdio: 'ignore' });
  sb.cleanup();
});

describe('gitfence worktree', () => {
  it('add → agent edits → release refused → save-patch → apply-patch → release ok', () => {
    const added = gf(repo, ['worktree', 'add', 'A', '--json']);
    expect(added.code, added.stderr).toBe(0);
    const record = JSON.parse(added.stdout) as Record<string, unknown>;
    const head = git(repo, 'rev-parse', 'HEAD');
    expect(record).toEqual({
      agent: 'A',
      path: wtPath('A'),
      branch: 'gitfence/A',
      branchCreated: true,
      base: head,
      created: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      reusedBranch: false,
      env: { LLM_AGENT_NAME: 'A' },
      notes: expect.any(Array),
    });
    expect(git(wtPath('A'), 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('gitfence/A');
    expect(records()).toEqual(['A']);
    // the worktree is one of the repository's roots: the Codex rules name it in their `-C` forms
    expect(must(gf(repo, ['export', 'codex-rules'])).stdout).toContain(wtPath('A'));
    const text = must(gf(repo, ['worktree', 'add', 'B'])).stdout;
    expect(text).toContain(`cd ${wtPath('B')} && export LLM_AGENT_NAME=B`);

    sb.write(join(wtPath('A'), 'src/a.txt'), 'a, changed by A\n');
    sb.write(join(wtPath('A'), 'src/new.txt'), 'new from A\n');
    const refused = gf(repo, ['worktree', 'release', 'A']);
    expect(refused.code).toBe(42);
    expect(refused.stderr).toContain('gitfence: denied gitfence/worktree-unsaved-work');
    expect(refused.stderr).toContain('src/a.txt, src/new.txt');
    expect(refused.stderr).toContain('save-patch');
    expect(existsSync(join(wtPath('A'), 'src/new.txt'))).toBe(true);
    expect(records()).toEqual(['A', 'B']);

    const saved = gf(wtPath('A'), ['save-patch', '--path', 'src/**', '--json'], {
      LLM_AGENT_NAME: 'A',
    });
    expect(saved.code, saved.stderr).toBe(0);
    const patch = (JSON.parse(saved.stdout) as { patch: string }).patch;
    const applied = gf(repo, ['apply-patch', patch, '--commit']);
    expect(applied.code, applied.stderr).toBe(0);

    const released = gf(repo, ['worktree', 'release', 'A']);
    expect(released.code, released.stderr).toBe(0);
    expect(released.stdout).toContain('removed the worktree');
    expect(released.stdout).toContain('deleted branch gitfence/A (merged into main)');
    expect(existsSync(wtPath('A'))).toBe(false);
    expect(branchExists('gitfence/A')).toBe(false);
    expect(records()).toEqual(['B']);
    expect(readFileSync(join(repo, 'src/new.txt'), 'utf8')).toBe('new from A\n');
    expect(sb.git(repo, 'worktree', 'list').stdout).not.toContain('repo.worktrees/A');
  });

  it('release --force snapshots the unsaved work, and the printed steps bring it back', () => {
    must(gf(repo, ['worktree', 'add', 'A']));
    const wt = wtPath('A');
    sb.write(join(wt, 'src/b.txt'), 'b, committed by A\n');
    git(wt, 'commit', '-q', '-am', 'A: b');
    sb.write(join(wt, 'src/a.txt'), 'a, not committed\n');
    sb.write(join(wt, 'untracked.txt'), 'untracked\n');

    const released = gf(repo, ['worktree', 'release', 'A', '--force']);
    expect(released.code, released.stderr).toBe(0);
    expect(released.stdout).toContain('warning: gitfence/worktree-unsaved-work');
    const ref = /work snapshotted first: (refs\/gitfence\/snapshots\/(\S+))/.exec(released.stdout);
    expect(ref).not.toBeNull();
    expect(git(repo, 'for-each-ref', '--format=%(refname)', 'refs/gitfence/snapshots/')).toBe(
      ref![1],
    );
    // the branch holds A's commit, so it is kept
    expect(released.stdout).toContain('kept branch gitfence/A');
    expect(released.stdout).toContain('gitfence worktree add A --branch gitfence/A');
    expect(existsSync(wt)).toBe(false);
    expect(records()).toEqual([]);

    must(gf(repo, ['worktree', 'add', 'A', '--branch', 'gitfence/A']));
    must(gf(wt, ['checkpoint', 'restore', ref![2]!]));
    expect(readFileSync(join(wt, 'src/a.txt'), 'utf8')).toBe('a, not committed\n');
    expect(readFileSync(join(wt, 'src/b.txt'), 'utf8')).toBe('b, committed by A\n');
    expect(readFileSync(join(wt, 'untracked.txt'), 'utf8')).toBe('untracked\n');
  });

  it('--force on a worktree with nothing committed prints the --base form, and it works', () => {
    must(gf(repo, ['worktree', 'add', 'A']));
    sb.write(join(wtPath('A'), 'notes.txt'), 'only here\n');
    const released = must(gf(repo, ['worktree', 'release', 'A', '--force'])).stdout;
    expect(released).toContain('deleted branch gitfence/A');
    const step =
      /(gitfence worktree add A --base \S+)\n\s+then, in the new worktree: gitfence checkpoint restore (\S+)/.exec(
        released,
      );
    expect(step, released).not.toBeNull();
    must(gf(repo, step![1]!.split(' ').slice(1)));
    must(gf(wtPath('A'), ['checkpoint', 'restore', step![2]!]));
    expect(readFileSync(join(wtPath('A'), 'notes.txt'), 'utf8')).toBe('only here\n');
  });

  it('an agent cannot add or release for another agent (42); its own it may', () => {
    const add = gf(repo, ['worktree', 'add', 'A'], { LLM_AGENT_NAME: 'B' });
    expect(add.code).toBe(42);
    expect(add.stderr).toContain('gitfence: denied gitfence/worktree-other-agent');
    expect(existsSync(wtPath('A'))).toBe(false);
    expect(branchExists('gitfence/A')).toBe(false);
    expect(records()).toEqual([]);

    must(gf(repo, ['worktree', 'add', 'A'], { LLM_AGENT_NAME: 'A' }));
    const release = gf(repo, ['worktree', 'release', 'A'], { LLM_AGENT_NAME: 'B' });
    expect(release.code).toBe(42);
    expect(release.stderr).toContain('gitfence/worktree-other-agent');
    expect(existsSync(wtPath('A'))).toBe(true);
    must(gf(wtPath('A'), ['worktree', 'release', 'A'], { LLM_AGENT_NAME: 'A' }));
    expect(existsSync(wtPath('A'))).toBe(false);
  });

  it('list --json joins the records with git: dirty, ahead, merged, missing, unrecorded', () => {
    must(gf(repo, ['worktree', 'add', 'A']));
    must(gf(repo, ['worktree', 'add', 'B']));
    must(gf(repo, ['worktree', 'add', 'C']));
    sb.write(join(wtPath('A'), 'src/a.txt'), 'dirty\n');
    sb.write(join(wtPath('B'), 'src/b.txt'), 'B\n');
    git(wtPath('B'), 'commit', '-q', '-am', 'B');
    rmSync(wtPath('C'), { recursive: true, force: true });
    const extra = join(sb.root, 'extra');
    git(repo, 'worktree', 'add', '-q', '-b', 'feature', extra);

    const listing = JSON.parse(must(gf(repo, ['worktree', 'list', '--json'])).stdout) as unknown;
    const main = git(repo, 'rev-parse', 'HEAD');
    const view = (over: Record<string, unknown>) => ({
      head: main,
      base: main,
      created: expect.any(String),
      recorded: true,
      registered: true,
      exists: true,
      dirty: false,
      merged: true,
      ahead: 0,
      locked: null,
      prunable: null,
      ...over,
    });
    expect(listing).toEqual({
      main: { path: repo, branch: 'main', head: main },
      worktrees: [
        view({ agent: 'A', path: wtPath('A'), branch: 'gitfence/A', dirty: true }),
        view({
          agent: 'B',
          path: wtPath('B'),
          branch: 'gitfence/B',
          head: git(wtPath('B'), 'rev-parse', 'HEAD'),
          merged: false,
          ahead: 1,
        }),
        view({
          agent: 'C',
          path: wtPath('C'),
          branch: 'gitfence/C',
          exists: false,
          dirty: null,
          merged: null,
          ahead: null,
          prunable: expect.any(String),
        }),
        view({
          agent: null,
          path: extra,
          branch: 'feature',
          base: null,
          created: null,
          recorded: false,
        }),
      ],
    });
    const text = must(gf(repo, ['worktree', 'list'])).stdout;
    expect(text).toMatch(/^B\s+gitfence\/B\s+\w{12}\s+clean, 1 ahead\s/m);
    expect(text).toMatch(/^C\s+gitfence\/C\s+.*missing/m);

    // a worktree whose directory is gone is released (nothing uncommitted can be lost there)
    const released = gf(repo, ['worktree', 'release', 'C']);
    expect(released.code, released.stderr).toBe(0);
    expect(branchExists('gitfence/C')).toBe(false);
    expect(sb.git(repo, 'worktree', 'list').stdout).not.toContain('repo.worktrees/C');
  });

  it('refuses what would clash, and bad input is a usage error', () => {
    must(gf(repo, ['worktree', 'add', 'A']));
    const again = gf(repo, ['worktree', 'add', 'A', '--path', join(sb.root, 'elsewhere')]);
    expect(again.code).toBe(42);
    expect(again.stderr).toContain('agent A already has a worktree');

    git(repo, 'branch', 'gitfence/C');
    const branch = gf(repo, ['worktree', 'add', 'C']);
    expect(branch.code).toBe(42);
    expect(branch.stderr).toContain('the branch gitfence/C exists already');
    expect(branch.stderr).toContain('--branch gitfence/C');
    const reused = gf(repo, ['worktree', 'add', 'C', '--branch', 'gitfence/C', '--json']);
    expect(reused.code, reused.stderr).toBe(0);
    expect(JSON.parse(reused.stdout)).toMatchObject({ reusedBranch: true, branchCreated: false });
    // gitfence did not create it, so release leaves it
    expect(must(gf(repo, ['worktree', 'release', 'C'])).stdout).toContain(
      'kept branch gitfence/C: gitfence did not create it',
    );
    expect(branchExists('gitfence/C')).toBe(true);

    const taken = join(sb.root, 'taken');
    mkdirSync(taken);
    writeFileSync(join(taken, 'file'), 'x');
    const path = gf(repo, ['worktree', 'add', 'D', '--path', taken]);
    expect(path.code).toBe(42);
    expect(path.stderr).toContain('the worktree path is taken');
    expect(branchExists('gitfence/D')).toBe(false);

    for (const args of [
      ['worktree', 'add', 'a/b'],
      ['worktree', 'add'],
      ['worktree', 'add', 'E', '--base', 'no-such-rev'],
      ['worktree', 'add', 'E', '--branch', 'bad..name'],
      ['worktree', 'add', 'E', '--nope'],
      ['worktree', 'release', 'nobody'],
      ['worktree', 'frobnicate'],
    ]) {
      const result = gf(repo, args);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(2);
    }
    expect(records()).toEqual(['A']);
    expect(must(gf(repo, ['worktree', '--help'])).stdout).toContain('gitfence worktree release');
  });

  it('committed work: merged → allowed, branch deleted; cherry-picked then changed → allowed, branch kept', () => {
    must(gf(repo, ['worktree', 'add', 'A']));
    sb.write(join(wtPath('A'), 'src/a.txt'), 'a by A\n');
    git(wtPath('A'), 'commit', '-q', '-am', 'A');
    const refused = gf(repo, ['worktree', 'release', 'A']);
    expect(refused.code).toBe(42);
    expect(refused.stderr).toContain(
      '1 path with committed changes that are not in main: src/a.txt',
    );
    git(repo, 'merge', '-q', '--no-ff', '-m', 'merge A', 'gitfence/A');
    const released = gf(repo, ['worktree', 'release', 'A']);
    expect(released.code, released.stderr).toBe(0);
    expect(branchExists('gitfence/A')).toBe(false);

    sb.write(join(repo, 'src/b.txt'), '1\n2\n3\n4\n5\n6\n7\n8\n9\n');
    git(repo, 'commit', '-q', '-am', 'b lines');
    must(gf(repo, ['worktree', 'add', 'B']));
    sb.write(join(wtPath('B'), 'src/b.txt'), '1\n2\n3\n4\n5\n6\n7\n8\nnine\n');
    git(wtPath('B'), 'commit', '-q', '-am', 'B: nine');
    sb.write(join(repo, 'README.md'), 'main moved on\n');
    git(repo, 'commit', '-q', '-am', 'readme');
    git(repo, 'cherry-pick', 'gitfence/B');
    // main moves on in the same file: B's change is still there as a patch
    sb.write(join(repo, 'src/b.txt'), 'one\n2\n3\n4\n5\n6\n7\n8\nnine\n');
    git(repo, 'commit', '-q', '-am', 'one');
    const picked = gf(repo, ['worktree', 'release', 'B']);
    expect(picked.code, picked.stderr).toBe(0);
    expect(picked.stdout).toContain(
      'kept branch gitfence/B: it has commits outside the history of main',
    );
    expect(branchExists('gitfence/B')).toBe(true);
  });

  it('commits on a detached HEAD that no branch holds are unsaved work; --force keeps them reachable', () => {
    must(gf(repo, ['worktree', 'add', 'A']));
    const wt = wtPath('A');
    git(wt, 'checkout', '-q', '--detach');
    sb.write(join(wt, 'src/a.txt'), 'a by A\n');
    git(wt, 'commit', '-q', '-am', 'A, detached');
    const detached = git(wt, 'rev-parse', 'HEAD');
    // main gets the same content by another commit: only the commit itself would be lost
    sb.write(join(repo, 'src/a.txt'), 'a by A\n');
    git(repo, 'commit', '-q', '-am', 'same change');
    const refused = gf(repo, ['worktree', 'release', 'A']);
    expect(refused.code).toBe(42);
    expect(refused.stderr).toContain('1 commit on a HEAD that no branch holds');
    const forced = gf(repo, ['worktree', 'release', 'A', '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    const snapshot = git(
      repo,
      'for-each-ref',
      '--format=%(objectname)',
      'refs/gitfence/snapshots/',
    );
    expect(sb.git(repo, 'merge-base', '--is-ancestor', detached, snapshot).code).toBe(0);
  });

  it('concurrent adds for one agent: exactly one wins, the others are refused', async () => {
    const runs = await Promise.all(
      [1, 2, 3, 4].map(
        (i) =>
          new Promise<number>((resolve) => {
            const child = spawn(
              process.execPath,
              [
                CLI,
                'worktree',
                'add',
                'A',
                '--path',
                join(sb.root, `wt-${i}`),
                '--branch',
                `b-${i}`,
              ],
              { cwd: repo, env: sb.env, stdio: 'ignore' },
            );
            child.on('close', (code) => resolve(code ?? 1));
          }),
      ),
    );
    expect(runs.filter((code) => code === 0)).toHaveLength(1);
    expect(runs.filter((code) => code === 42)).toHaveLength(3);
    expect(records()).toEqual(['A']);
    expect(git(repo, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(2);
    expect(git(repo, 'branch', '--list', 'b-*').split('\n')).toHaveLength(1);
  });

  it('a worktree locked with `git worktree lock` is refused even with --force', () => {
    must(gf(repo, ['worktree', 'add', 'A']));
    git(repo, 'worktree', 'lock', '--reason', 'on a usb disk', wtPath('A'));
    const result = gf(repo, ['worktree', 'release', 'A', '--force']);
    expect(result.code).toBe(42);
    expect(result.stderr).toContain('gitfence/worktree-locked');
    expect(result.stderr).toContain('on a usb disk');
    expect(existsSync(wtPath('A'))).toBe(true);
  });
});

describe.skipIf(!chattrWorks)(
  'gitfence worktree and the .git write-lock (immutable, as root)',
  () => {
    it('add/release are refused while locked, list works, and a push window lets them through', () => {
      must(gf(repo, ['write-lock', 'lock']));
      const locked = gf(repo, ['worktree', 'add', 'A']);
      expect(locked.code).toBe(42);
      expect(locked.stderr).toContain('gitfence: denied gitfence/write-lock');
      expect(locked.stderr).toContain('git-write-lock unlock-for-push --holder NAME');
      expect(existsSync(wtPath('A'))).toBe(false);
      expect(records()).toEqual([]);
      expect(gf(repo, ['worktree', 'list', '--json']).code).toBe(0);

      const token = must(
        gf(repo, ['write-lock', 'unlock-for-push', '--holder', 'orch', '--ttl', '120']),
      ).stdout.trim();
      const added = gf(repo, ['worktree', 'add', 'A']);
      expect(added.code, added.stderr).toBe(0);
      must(gf(repo, ['write-lock', 'relock', '--holder', 'orch', '--token', token]));
      expect(must(gf(repo, ['write-lock', 'status'])).stdout).toBe('locked (immutable)\n');

      // the agent works in its worktree while .git stays locked
      sb.write(join(wtPath('A'), 'src/a.txt'), 'edited under the lock\n');
      const listed = JSON.parse(must(gf(repo, ['worktree', 'list', '--json'])).stdout) as {
        worktrees: Array<{ agent: string; dirty: boolean }>;
      };
      expect(listed.worktrees).toEqual([expect.objectContaining({ agent: 'A', dirty: true })]);
      const release = gf(repo, ['worktree', 'release', 'A', '--force']);
      expect(release.code).toBe(42);
      expect(release.stderr).toContain('gitfence/write-lock');
      expect(existsSync(wtPath('A'))).toBe(true);

      const second = must(
        gf(repo, ['write-lock', 'unlock-for-push', '--holder', 'orch', '--ttl', '120']),
      ).stdout.trim();
      const released = gf(repo, ['worktree', 'release', 'A', '--force']);
      expect(released.code, released.stderr).toBe(0);
      expect(released.stdout).toContain('work snapshotted first');
      must(gf(repo, ['write-lock', 'relock', '--holder', 'orch', '--token', second]));
      expect(existsSync(wtPath('A'))).toBe(false);
      expect(records()).toEqual([]);
    });
  },
);

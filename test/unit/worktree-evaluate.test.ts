import { describe, expect, it } from 'vitest';
import { describeUnsavedWork, evaluateWorktree } from '../../src/evaluate/worktree.js';
import type {
  CompiledPolicy,
  Decision,
  WorktreeRequest,
  WorktreeWork,
} from '../../src/evaluate/types.js';

const policy = {} as CompiledPolicy;

const work = (over: Partial<WorktreeWork> = {}): WorktreeWork => ({
  path: '/r.worktrees/A',
  branch: 'gitfence/A',
  exists: true,
  into: 'main',
  undelivered: [],
  dirty: false,
  unmergedCommits: 0,
  strandedCommits: 0,
  lockedReason: null,
  ...over,
});

const request = (over: Partial<WorktreeRequest> = {}): WorktreeRequest => ({
  kind: 'worktree',
  action: 'release',
  owner: 'A',
  agent: null,
  force: false,
  facts: { writeLock: { state: 'unlocked' } },
  ...over,
});

const allowed: Decision = { outcome: 'allow', alert: 'none', warnings: [], matches: [] };
const builtin = (id: string) => ({ layer: 'builtin', path: id });

describe('evaluateWorktree', () => {
  it.each<{ name: string; request: WorktreeRequest; want: Decision }>([
    { name: 'the orchestrator adds', request: request({ action: 'add' }), want: allowed },
    {
      name: 'an agent adds its own',
      request: request({ action: 'add', agent: 'A' }),
      want: allowed,
    },
    {
      name: 'an agent adds for another',
      request: request({ action: 'add', agent: 'B' }),
      want: {
        outcome: 'deny',
        alert: 'normal',
        warnings: [],
        matches: [
          {
            ruleId: 'gitfence/worktree-other-agent',
            outcome: 'deny',
            alert: 'normal',
            reason:
              "agent B cannot add agent A's worktree: the orchestrator hands worktrees out and takes them back",
            instead: 'ask the orchestrator to run `gitfence worktree add A`',
            detail: 'LLM_AGENT_NAME=B',
            source: builtin('worktree-other-agent'),
          },
        ],
      },
    },
    {
      name: 'a locked .git, with the window holder named',
      request: request({
        action: 'add',
        facts: { writeLock: { state: 'locked', mode: 'chmod', holder: 'orch' } },
      }),
      want: {
        outcome: 'deny',
        alert: 'normal',
        warnings: [],
        matches: [
          {
            ruleId: 'gitfence/write-lock',
            outcome: 'deny',
            alert: 'normal',
            reason:
              "`gitfence worktree add` writes .git (a branch and the worktree's admin dir), which is locked (chmod)",
            instead:
              'open a window with `git-write-lock unlock-for-push --holder NAME`, run it again, then close it with `git-write-lock relock --holder NAME`',
            detail: 'push window holder: orch',
            source: builtin('write-lock'),
          },
        ],
      },
    },
    {
      name: 'release of a worktree whose work is all delivered',
      request: request({ work: work({ dirty: true, unmergedCommits: 2 }) }),
      want: allowed,
    },
    {
      name: 'release with uncommitted work not in main',
      request: request({ work: work({ dirty: true, undelivered: ['src/a.txt', 'new.txt'] }) }),
      want: {
        outcome: 'deny',
        alert: 'normal',
        warnings: [],
        matches: [
          {
            ruleId: 'gitfence/worktree-unsaved-work',
            outcome: 'deny',
            alert: 'normal',
            reason:
              "removing A's worktree would lose 2 paths with uncommitted changes that are not in main: src/a.txt, new.txt",
            instead:
              'hand it over first: `save-patch` in the worktree, then `gitfence apply-patch <file> --commit` or merge gitfence/A; or `gitfence worktree release A --force` to snapshot the work and remove the worktree',
            detail: 'paths: src/a.txt, new.txt; the worktree has uncommitted changes',
            source: builtin('worktree-unsaved-work'),
          },
        ],
      },
    },
  ])('$name', ({ request: req, want }) => {
    expect(evaluateWorktree(policy, req)).toEqual(want);
  });

  it('--force turns unsaved work into a warning; a git-locked worktree is refused even then', () => {
    const forced = evaluateWorktree(
      policy,
      request({ force: true, work: work({ undelivered: ['a'], unmergedCommits: 1 }) }),
    );
    expect(forced.outcome).toBe('allow');
    expect(forced.warnings).toEqual([
      "gitfence/worktree-unsaved-work: A's worktree holds 1 path with committed changes that are not in main: a; --force snapshots it under refs/gitfence/snapshots/ before removing the worktree",
    ]);
    const locked = evaluateWorktree(
      policy,
      request({ force: true, work: work({ lockedReason: 'on a usb disk' }) }),
    );
    expect(locked.matches.map((m) => [m.ruleId, m.outcome, m.reason])).toEqual([
      [
        'gitfence/worktree-locked',
        'deny',
        'the worktree /r.worktrees/A is locked against removal: on a usb disk',
      ],
    ]);
  });

  it('every denial is listed: another agent, a locked .git and unsaved work at once', () => {
    const decision = evaluateWorktree(
      policy,
      request({
        agent: 'B',
        facts: { writeLock: { state: 'locked', mode: 'external' } },
        work: work({ strandedCommits: 3 }),
      }),
    );
    expect(decision.matches.map((m) => m.ruleId)).toEqual([
      'gitfence/worktree-other-agent',
      'gitfence/write-lock',
      'gitfence/worktree-unsaved-work',
    ]);
    expect(decision.matches[1]?.instead).toContain('gitfence mount-root');
  });

  it.each([
    [work(), null],
    [
      work({ undelivered: ['a', 'b', 'c', 'd', 'e', 'f', 'g'], dirty: true, unmergedCommits: 1 }),
      '7 paths with committed or uncommitted changes that are not in main: a, b, c, d, e, … (2 more)',
    ],
    [work({ strandedCommits: 1 }), '1 commit on a HEAD that no branch holds'],
  ])('describeUnsavedWork %#', (w, want) => {
    expect(describeUnsavedWork(w)).toBe(want);
  });
});

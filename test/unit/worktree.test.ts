import { describe, expect, it } from 'vitest';
import { GitfenceError } from '../../src/errors.js';
import {
  agentNameProblem,
  defaultBranchFor,
  defaultWorktreePath,
} from '../../src/worktree/names.js';
import { parseWorktreeList, type ListedWorktree } from '../../src/worktree/porcelain.js';
import {
  emptyRecords,
  findRecord,
  parseRecords,
  renderRecords,
  withoutRecord,
  withRecord,
  type WorktreeRecord,
} from '../../src/worktree/records.js';
import { renderListing } from '../../src/worktree/render.js';
import { joinWorktrees, type WorktreeStatus } from '../../src/worktree/view.js';
import { chunk, splitPaths, undeliveredCandidates } from '../../src/worktree/work.js';

describe('agent names', () => {
  it.each([
    ['A', null],
    ['agent-7', null],
    ['claude.code_2', null],
    ['', 'the agent name is empty'],
    ['x'.repeat(65), 'the agent name is too long'],
    ['-a', 'the agent name has characters a path or branch cannot hold'],
    ['.hidden', 'the agent name has characters a path or branch cannot hold'],
    ['a/b', 'the agent name has characters a path or branch cannot hold'],
    ['a b', 'the agent name has characters a path or branch cannot hold'],
    ['a..b', 'the agent name is not a valid branch name component'],
    ['a.', 'the agent name is not a valid branch name component'],
    ['a.lock', 'the agent name is not a valid branch name component'],
  ])('%j → %j', (name, problem) => {
    expect(agentNameProblem(name)).toBe(problem);
  });

  it('defaults: branch gitfence/<agent>, a sibling <repo>.worktrees directory', () => {
    expect(defaultBranchFor('A')).toBe('gitfence/A');
    expect(defaultWorktreePath('/src/shop', 'A')).toBe('/src/shop.worktrees/A');
    expect(defaultWorktreePath('/src/shop.git', 'A')).toBe('/src/shop.worktrees/A');
  });
});

const listed = (over: Partial<ListedWorktree> & { path: string }): ListedWorktree => ({
  head: null,
  branch: null,
  bare: false,
  detached: false,
  locked: null,
  prunable: null,
  ...over,
});

describe('parseWorktreeList (git worktree list --porcelain -z)', () => {
  const H = 'a'.repeat(40);
  it.each([
    {
      name: 'main and a linked worktree on a branch',
      text: `worktree /r\0HEAD ${H}\0branch refs/heads/main\0\0worktree /r.worktrees/A\0HEAD ${H}\0branch refs/heads/gitfence/A\0\0`,
      want: [
        listed({ path: '/r', head: H, branch: 'main' }),
        listed({ path: '/r.worktrees/A', head: H, branch: 'gitfence/A' }),
      ],
    },
    {
      name: 'detached, locked without and with a reason, prunable',
      text: `worktree /r\0HEAD ${H}\0branch refs/heads/main\0\0worktree /w1\0HEAD ${H}\0detached\0locked\0\0worktree /w 2\0HEAD ${H}\0branch refs/heads/x\0locked on a usb disk\0prunable gitdir file points to non-existent location\0\0`,
      want: [
        listed({ path: '/r', head: H, branch: 'main' }),
        listed({ path: '/w1', head: H, detached: true, locked: '' }),
        listed({
          path: '/w 2',
          head: H,
          branch: 'x',
          locked: 'on a usb disk',
          prunable: 'gitdir file points to non-existent location',
        }),
      ],
    },
    {
      name: 'a bare main and an unborn branch',
      text: `worktree /r.git\0bare\0\0worktree /w\0HEAD ${'0'.repeat(40)}\0branch refs/heads/new\0\0`,
      want: [listed({ path: '/r.git', bare: true }), listed({ path: '/w', branch: 'new' })],
    },
    { name: 'nothing', text: '', want: [] },
  ])('$name', ({ text, want }) => {
    expect(parseWorktreeList(text)).toEqual(want);
  });
});

const record = (agent: string, over: Partial<WorktreeRecord> = {}): WorktreeRecord => ({
  agent,
  path: `/r.worktrees/${agent}`,
  branch: `gitfence/${agent}`,
  branchCreated: true,
  base: 'b'.repeat(40),
  created: '2026-11-21T08:00:00.000Z',
  ...over,
});

describe('the worktree record', () => {
  it('round-trips, adds, replaces and drops by agent', () => {
    const one = withRecord(emptyRecords(), record('A'));
    const two = withRecord(one, record('B'));
    expect(parseRecords(renderRecords(two), 'f')).toEqual(two);
    expect(findRecord(two, 'B')).toEqual(record('B'));
    expect(withRecord(two, record('A', { path: '/x' })).worktrees).toEqual([
      record('B'),
      record('A', { path: '/x' }),
    ]);
    expect(withoutRecord(two, 'A')).toEqual({ ...two, worktrees: [record('B')] });
  });

  it.each([
    ['not JSON', '{'],
    ['another format', '{"format":"x","worktrees":[]}'],
    [
      'a record missing a field',
      JSON.stringify({ format: 'gitfence/worktrees@1', worktrees: [{ agent: 'A' }] }),
    ],
  ])('a corrupt record is an error, never "no worktrees": %s', (_name, text) => {
    expect(() => parseRecords(text, '/s/worktrees.json')).toThrow(GitfenceError);
  });
});

describe('joinWorktrees', () => {
  const main = { path: '/r', branch: 'main', head: 'm'.repeat(40) };
  it('recorded first, then unrecorded linked worktrees; status only for those that exist', () => {
    const status = new Map<string, WorktreeStatus>([
      ['/r.worktrees/A', { dirty: true, merged: false, ahead: 2 }],
      ['/elsewhere', { dirty: false, merged: true, ahead: 0 }],
    ]);
    const result = joinWorktrees(
      main,
      [record('A'), record('B')],
      [
        listed({ path: '/elsewhere', head: 'e'.repeat(40), branch: 'feature' }),
        listed({ path: '/r.worktrees/A', head: 'a'.repeat(40), branch: 'gitfence/A' }),
      ],
      status,
    );
    expect(result).toEqual({
      main,
      worktrees: [
        {
          agent: 'A',
          path: '/r.worktrees/A',
          branch: 'gitfence/A',
          head: 'a'.repeat(40),
          base: 'b'.repeat(40),
          created: '2026-11-21T08:00:00.000Z',
          recorded: true,
          registered: true,
          exists: true,
          dirty: true,
          merged: false,
          ahead: 2,
          locked: null,
          prunable: null,
        },
        {
          agent: 'B',
          path: '/r.worktrees/B',
          branch: 'gitfence/B',
          head: null,
          base: 'b'.repeat(40),
          created: '2026-11-21T08:00:00.000Z',
          recorded: true,
          registered: false,
          exists: false,
          dirty: null,
          merged: null,
          ahead: null,
          locked: null,
          prunable: null,
        },
        {
          agent: null,
          path: '/elsewhere',
          branch: 'feature',
          head: 'e'.repeat(40),
          base: null,
          created: null,
          recorded: false,
          registered: true,
          exists: true,
          dirty: false,
          merged: true,
          ahead: 0,
          locked: null,
          prunable: null,
        },
      ],
    });
    expect(renderListing(result)).toBe(
      [
        'main worktree: /r (main at mmmmmmmmmmmm)',
        'AGENT  BRANCH      HEAD          STATE                           PATH',
        'A      gitfence/A  aaaaaaaaaaaa  dirty, 2 ahead                  /r.worktrees/A',
        'B      gitfence/B  -             missing (git does not know it)  /r.worktrees/B',
        '-      feature     eeeeeeeeeeee  clean, merged                   /elsewhere',
        '("-": a linked worktree gitfence did not add)',
      ].join('\n'),
    );
  });

  it('a prunable worktree is registered but does not exist', () => {
    const [view] = joinWorktrees(
      main,
      [record('A')],
      [
        listed({
          path: '/r.worktrees/A',
          head: 'a'.repeat(40),
          branch: 'gitfence/A',
          prunable: 'gone',
        }),
      ],
      new Map(),
    ).worktrees;
    expect(view).toMatchObject({ registered: true, exists: false, dirty: null, prunable: 'gone' });
  });
});

describe('work helpers', () => {
  it.each([
    { changed: ['a', 'b', 'c'], differ: ['b', 'c', 'z'], want: ['b', 'c'] },
    { changed: ['a'], differ: [], want: [] },
    { changed: [], differ: ['a'], want: [] },
  ])('undelivered candidates of $changed against $differ', ({ changed, differ, want }) => {
    expect(undeliveredCandidates(changed, differ)).toEqual(want);
  });

  it('splits NUL-terminated names and chunks', () => {
    expect(splitPaths('a\0b c\0')).toEqual(['a', 'b c']);
    expect(splitPaths('')).toEqual([]);
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
  });
});

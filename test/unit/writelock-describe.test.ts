import { describe, expect, it } from 'vitest';
import type { GitInvocation } from '../../src/git/invocation.js';
import { describeWriteLockDenial, invocationWritesGitDir } from '../../src/writelock/describe.js';
import { explainGitError, renderExplanation } from '../../src/writelock/explain.js';

/** A hand-built invocation: `sub` with options (`-D`, `--list`) and operands. */
function inv(
  sub: string | null,
  options: string[] = [],
  operands: string[] = [],
  extra: Partial<GitInvocation> = {},
): GitInvocation {
  return {
    raw: [],
    globals: [],
    config: [],
    typed: sub,
    subcommand: sub,
    aliasChain: [],
    shellAlias: null,
    args: [...options, ...operands],
    options: options.map((name) => ({ name, raw: name })),
    operands,
    pathspecs: [],
    doubleDash: false,
    effects: [],
    env: {},
    paths: [],
    cwd: '/repo',
    problems: [],
    ...extra,
  };
}

describe('invocationWritesGitDir', () => {
  it.each([
    ['commit', [], []],
    ['branch', [], ['x']],
    ['branch', ['-D'], ['x']],
    ['tag', [], ['v1']],
    ['update-ref', [], ['refs/heads/x', 'HEAD']],
    ['stash', [], []],
    ['stash', [], ['push']],
    ['config', [], ['user.name', 'x']],
    ['config', ['--unset'], ['user.name']],
    ['fetch', [], []],
    ['gc', [], []],
    ['checkout', [], ['main']],
    ['reset', ['--hard'], []],
    ['add', [], ['.']],
    ['worktree', [], ['add', '../x']],
    ['symbolic-ref', [], ['HEAD', 'refs/heads/x']],
    ['hash-object', ['-w'], ['f']],
    ['some-future-command', [], []],
  ] as const)('%s %j %j writes', (sub, options, operands) => {
    expect(invocationWritesGitDir(inv(sub, [...options], [...operands]))).toBe(true);
  });

  it.each([
    ['status', [], []],
    ['log', ['--oneline'], []],
    ['diff', [], []],
    ['show', [], ['HEAD']],
    ['rev-parse', [], ['HEAD']],
    ['branch', [], []],
    ['branch', ['--list'], ['feat/*']],
    ['tag', ['-l'], ['v*']],
    ['config', ['--get'], ['user.name']],
    ['config', [], ['user.name']],
    ['stash', [], ['list']],
    ['worktree', [], ['list']],
    ['remote', [], []],
    ['symbolic-ref', [], ['HEAD']],
    [null, [], []],
  ] as const)('%s %j %j only reads', (sub, options, operands) => {
    expect(invocationWritesGitDir(inv(sub, [...options], [...operands]))).toBe(false);
  });

  it('treats anything the parser was unsure of, and shell aliases, as writes', () => {
    expect(
      invocationWritesGitDir(inv('status', [], [], { problems: ['unknown option --frob'] })),
    ).toBe(true);
    expect(invocationWritesGitDir(inv('log', [], [], { shellAlias: 'rm -rf .git' }))).toBe(true);
  });
});

describe('describeWriteLockDenial', () => {
  it('stops a write while locked and says the state, holder and how to open a window', () => {
    const denial = describeWriteLockDenial({ state: 'locked', mode: 'immutable' }, inv('commit'));
    expect(denial).toMatchObject({ ruleId: 'gitfence/write-lock', state: 'locked (immutable)' });
    expect(denial!.reason).toMatch(/git commit would write \.git, which is locked \(immutable\)/);
    expect(denial!.details.join('\n')).toMatch(/unlock-for-push --holder NAME/);
  });

  it('lets reads through, and everything through while unlocked', () => {
    expect(describeWriteLockDenial({ state: 'locked', mode: 'chmod' }, inv('status'))).toBeNull();
    expect(
      describeWriteLockDenial({ state: 'unlocked', holder: 'orch', expiresAt: 1 }, inv('commit')),
    ).toBeNull();
  });

  it('an external lock points at mount-root and promises not to change it', () => {
    const denial = describeWriteLockDenial({ state: 'locked', mode: 'external' }, inv('fetch'));
    expect(denial!.instead).toMatch(/mount-root/);
    expect(denial!.details.join('\n')).toMatch(/other than gitfence/);
  });
});

describe('explainGitError', () => {
  const locked = { state: 'locked' as const, mode: 'immutable' as const };
  it('explains the immutable index.lock failure', () => {
    const text = "fatal: Unable to create '/work/r/.git/index.lock': Operation not permitted";
    const explanation = explainGitError(text, locked)!;
    expect(explanation).toMatchObject({ cause: 'immutable', path: '/work/r/.git/index.lock' });
    expect(renderExplanation(explanation)).toMatch(/unlock-for-push/);
    expect(explainGitError(text, { state: 'unlocked' })!.details.join()).toMatch(/something else/);
  });

  it('explains Permission denied (chmod mode or ownership)', () => {
    const text =
      "fatal: cannot lock ref 'refs/heads/x': Unable to create '/r/.git/refs/heads/x.lock': Permission denied";
    expect(explainGitError(text, { state: 'locked', mode: 'chmod' })).toMatchObject({
      cause: 'permissions',
    });
    expect(
      explainGitError(
        'error: insufficient permission for adding an object to repository database .git/objects',
        null,
      ),
    ).toMatchObject({
      cause: 'permissions',
      path: '.git/objects',
    });
  });

  it('explains Read-only file system as an external lock', () => {
    const explanation = explainGitError(
      "fatal: Unable to create '/ro/.git/index.lock': Read-only file system",
      { state: 'locked', mode: 'external' },
    )!;
    expect(explanation.cause).toBe('read-only-fs');
    expect(explanation.fix.join()).toMatch(/mount-root --path \/ro\/\.git\/index\.lock/);
  });

  it('tells a stale git lock apart, and ignores unrelated text', () => {
    expect(
      explainGitError("fatal: Unable to create '/r/.git/index.lock': File exists.", null),
    ).toMatchObject({ cause: 'lock-exists' });
    expect(explainGitError('fatal: not a git repository', null)).toBeNull();
  });
});

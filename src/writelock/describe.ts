/**
 * For the shim: does a git call write the git dir, and if `.git` is locked, what to say instead of
 * git's cryptic `Unable to create '…/index.lock'`. Conservative: not provably read-only is a write.
 */
import type { WriteLockFact } from '../evaluate/types.js';
import type { GitInvocation } from '../git/invocation.js';

/** Subcommands that never write the git dir, whatever their options. */
const READ_ONLY = new Set([
  'status', // refreshes the index only when it can; read-only under the lock
  'log',
  'show',
  'diff',
  'diff-files',
  'diff-index',
  'diff-tree',
  'rev-parse',
  'rev-list',
  'ls-files',
  'ls-tree',
  'ls-remote',
  'cat-file',
  'grep',
  'blame',
  'annotate',
  'describe',
  'shortlog',
  'for-each-ref',
  'show-ref',
  'show-branch',
  'name-rev',
  'merge-base',
  'check-ignore',
  'check-attr',
  'check-ref-format',
  'check-mailmap',
  'count-objects',
  'verify-commit',
  'verify-tag',
  'verify-pack',
  'whatchanged',
  'cherry',
  'range-diff',
  'var',
  'version',
  'help',
  'hash-object', // without -w (checked below)
  'format-patch', // writes patch files into the working tree, not .git
  'archive',
  'fsck',
]);

function has(inv: GitInvocation, ...names: string[]): boolean {
  return inv.options.some((option) => names.includes(option.name));
}

/** Subcommands with list/read forms. */
function readOnlyForm(inv: GitInvocation): boolean {
  const verb = inv.operands[0];
  switch (inv.subcommand) {
    case 'branch':
      // listing: no operands, or an explicit list/filter form without create/delete/move/copy options
      return (
        !has(
          inv,
          '-d',
          '-D',
          '--delete',
          '-m',
          '-M',
          '--move',
          '-c',
          '-C',
          '--copy',
          '-f',
          '--force',
          '-u',
          '--set-upstream-to',
          '--unset-upstream',
          '--edit-description',
          '-t',
          '--track',
          '--no-track',
        ) &&
        (inv.operands.length === 0 ||
          has(
            inv,
            '--list',
            '-l',
            '--contains',
            '--no-contains',
            '--merged',
            '--no-merged',
            '--points-at',
          ))
      );
    case 'tag':
      return (
        !has(
          inv,
          '-d',
          '--delete',
          '-a',
          '--annotate',
          '-s',
          '--sign',
          '-u',
          '--local-user',
          '-f',
          '--force',
          '-m',
          '--message',
          '-F',
          '--file',
        ) &&
        (inv.operands.length === 0 ||
          has(
            inv,
            '--list',
            '-l',
            '-v',
            '--verify',
            '--contains',
            '--no-contains',
            '--merged',
            '--no-merged',
            '--points-at',
          ))
      );
    case 'config':
      return (
        has(
          inv,
          '--get',
          '--get-all',
          '--get-regexp',
          '--get-urlmatch',
          '--list',
          '-l',
          '--get-color',
          '--get-colorbool',
        ) ||
        verb === 'get' ||
        verb === 'list' ||
        (inv.operands.length === 1 &&
          !has(
            inv,
            '--unset',
            '--unset-all',
            '--add',
            '--replace-all',
            '--rename-section',
            '--remove-section',
            '-e',
            '--edit',
          ))
      );
    case 'remote':
      return inv.operands.length === 0 || verb === 'get-url' || verb === 'show';
    case 'stash':
      return verb === 'list' || verb === 'show';
    case 'worktree':
      return verb === 'list';
    case 'reflog':
      return verb === undefined || verb === 'show' || verb === 'exists';
    case 'notes':
      return verb === undefined || verb === 'list' || verb === 'show';
    case 'symbolic-ref':
      return !has(inv, '-d', '--delete') && inv.operands.length <= 1;
    case 'hash-object':
      return !has(inv, '-w');
    case 'submodule':
      return verb === 'status' || verb === 'summary';
    case 'bundle':
      return verb === 'verify' || verb === 'list-heads';
    default:
      return false;
  }
}

export function invocationWritesGitDir(inv: GitInvocation): boolean {
  if (inv.problems.length > 0 || inv.shellAlias !== null) return true;
  if (inv.subcommand === null) return false; // `git`, `git --version`, `git --help`
  if (inv.subcommand === 'fsck' && has(inv, '--lost-found')) return true;
  if (inv.subcommand === 'archive' && has(inv, '--remote')) return false;
  if (READ_ONLY.has(inv.subcommand) && inv.subcommand !== 'hash-object') return false;
  return !readOnlyForm(inv);
}

export interface WriteLockDenial {
  /** The rule id the shim reports. */
  ruleId: 'gitfence/write-lock';
  /** One line: what is locked and why this call stopped. */
  reason: string;
  /** Lines to show: the state, the holder, how to open a window. */
  details: string[];
  instead: string;
  state: string;
  holder?: string;
}

function describeState(fact: WriteLockFact): string {
  return fact.state === 'unlocked' ? 'unlocked' : `locked (${fact.mode ?? 'immutable'})`;
}

/** null when the call may run: `.git` is writable, or the call only reads. */
export function describeWriteLockDenial(
  fact: WriteLockFact,
  invocation: GitInvocation,
): WriteLockDenial | null {
  if (fact.state !== 'locked' || !invocationWritesGitDir(invocation)) return null;
  const state = describeState(fact);
  const what = invocation.subcommand ? `git ${invocation.subcommand}` : 'this git command';
  const details = [`.git write-lock: ${state}`];
  if (fact.holder) {
    details.push(
      `push window holder: ${fact.holder}${fact.expiresAt ? ` (until ${new Date(fact.expiresAt).toISOString()})` : ''}`,
    );
  }
  let instead: string;
  if (fact.mode === 'external') {
    details.push(
      'something other than gitfence made .git read-only (a read-only mount or a sandbox)',
    );
    instead =
      'run this where .git is writable; `gitfence mount-root` shows the read-only mount. gitfence will not change it.';
  } else {
    details.push(
      'the orchestrator opens a short window with `git-write-lock unlock-for-push --holder NAME [--ttl S]`',
      'and closes it with `git-write-lock relock --holder NAME --token N`',
    );
    instead =
      'leave commits to the orchestrator: hand your changes over with `save-patch`, or ask for a push window';
  }
  return {
    ruleId: 'gitfence/write-lock',
    reason: `${what} would write .git, which is ${state}`,
    details,
    instead,
    state,
    ...(fact.holder ? { holder: fact.holder } : {}),
  };
}

/**
 * `precise`: for one-agent-per-worktree setups. Blocks only the forms of git that lose work nobody
 * can get back: uncommitted edits, untracked files, stashes, remote history, unmerged branches,
 * tags, reflogs, unreachable objects, and the hooks that guard commits and pushes.
 *
 * Rules match by effect, not by spelling: the parser resolves `-fd`, `--har`, `+main`, aliases and
 * `git-reset` before any rule sees the call, so one rule covers every way of typing the danger.
 */
import { definePolicy } from '../src/policy/define.js';

const SAVE_FIRST =
  'commit your own work or hand it over with `gitfence save-patch`; ask the orchestrator to discard anything else';

export const precise = definePolicy({
  name: 'precise',
  rules: [
    {
      id: 'discard-worktree-changes',
      reason:
        'overwrites uncommitted changes in the working tree, which may be another agent’s unsaved work',
      instead: `${SAVE_FIRST}; to undo your own edit, edit the file back`,
      alert: 'maximum',
      match: { effect: 'discard-worktree-changes' },
      examples: {
        match: [
          'reset --hard',
          'reset --hard HEAD~1',
          'reset --merge',
          'checkout -- .',
          'checkout HEAD -- file.txt',
          'restore file.txt',
          'restore --staged --worktree file.txt',
          'checkout -f main',
          'switch --discard-changes main',
          'checkout-index -f -a',
          'read-tree -u --reset HEAD',
        ],
        notMatch: [
          'checkout -b x',
          'switch -c feature',
          'restore --staged f',
          'reset --soft HEAD~1',
          'reset HEAD file.txt',
          'reset --keep HEAD~1',
          'commit -m "reset --hard"',
        ],
      },
    },
    {
      id: 'delete-untracked-files',
      reason:
        'deletes untracked files for good: git never saw them, so nothing can bring them back',
      instead: 'run `git clean -n` to see what it would delete, then remove your own files by name',
      alert: 'maximum',
      match: { effect: 'delete-untracked-files' },
      examples: {
        match: ['clean -f', 'clean -fd', 'clean -fdx', 'clean -d -f', 'clean --force'],
        notMatch: ['clean -n', 'clean --dry-run', 'clean -dn'],
      },
    },
    {
      id: 'drop-stash',
      reason: 'deletes stashed work; a dropped stash is only reachable through the reflog until gc',
      instead:
        'leave the stash in place (`git stash list` shows it); apply it with `git stash apply`',
      match: { effect: 'drop-stash' },
      examples: {
        match: ['stash drop', 'stash drop stash@{0}', 'stash clear'],
        notMatch: ['stash list', 'stash apply', 'stash show'],
      },
    },
    {
      id: 'force-push',
      reason:
        'rewrites remote history and can delete commits other people and agents already pushed',
      instead:
        'push without force; if the remote moved, fetch and rebase or merge; `--force-with-lease` alone is allowed under precise',
      alert: 'maximum',
      match: { effect: 'force-push' },
      examples: {
        match: [
          'push --force',
          'push -f origin main',
          'push origin main --force',
          'push --forc',
          'push origin +main',
          'push --mirror',
          'push --force-with-lease --force origin main',
        ],
        notMatch: ['push', 'push origin main', 'push -u origin feature', 'push --force-with-lease'],
      },
    },
    {
      id: 'delete-remote-branch',
      reason: 'deletes a branch on the remote, and with it every commit only that branch holds',
      instead: 'ask the orchestrator to delete remote branches',
      match: { effect: 'delete-remote-ref' },
      examples: {
        match: ['push origin --delete feature', 'push -d origin feature', 'push origin :feature'],
        notMatch: ['push origin feature', 'push origin feature:feature'],
      },
    },
    {
      id: 'delete-unmerged-branch',
      reason: 'deletes a branch without checking that its commits are merged anywhere',
      instead: 'use `git branch -d <branch>`, which refuses when the branch holds unmerged commits',
      match: { effect: 'delete-branch-unmerged' },
      examples: {
        match: ['branch -D feature', 'branch --delete --force feature'],
        notMatch: ['branch -d feature', 'branch feature-new', 'branch', 'branch -a'],
      },
    },
    {
      id: 'move-branch',
      reason: 'moves an existing branch to another commit, orphaning the commits it pointed to',
      instead:
        'create a new branch (`git branch <new> <commit>`) instead of moving an existing one',
      match: { effect: 'reset-branch' },
      examples: {
        match: ['branch -f feature main', 'branch --force feature main'],
        notMatch: ['branch feature-new', 'branch -v'],
      },
    },
    {
      id: 'remove-worktree-force',
      reason: 'removes a linked worktree together with its uncommitted and untracked files',
      instead:
        'commit or save-patch the work in that worktree, then `git worktree remove` without --force',
      alert: 'maximum',
      match: { effect: 'remove-worktree-force' },
      examples: {
        match: ['worktree remove --force ../wt', 'worktree remove -f ../wt'],
        notMatch: ['worktree remove ../wt', 'worktree list'],
      },
    },
    {
      id: 'remove-modified-files',
      reason: 'deletes files even when they have uncommitted changes',
      instead:
        'use `git rm --cached <path>` to untrack a file, or `git rm` without -f, which refuses to lose changes',
      match: { effect: 'remove-modified-files' },
      examples: {
        match: ['rm -f file.txt', 'rm --force file.txt', 'rm -rf dir'],
        notMatch: ['rm file.txt', 'rm --cached -f file.txt', 'rm -r --cached dir'],
      },
    },
    {
      id: 'delete-tag',
      reason: 'deletes a tag, which may be the only name of a release commit',
      instead: 'ask the orchestrator to delete tags',
      match: { effect: 'delete-tag' },
      examples: {
        match: ['tag -d v1.0.0', 'tag --delete v1.0.0'],
        notMatch: ['tag v1.0.0', 'tag -m "Document rm -rf" v1.2.3', 'tag -l'],
      },
    },
    {
      id: 'expire-reflog',
      reason: 'erases the reflog, the record that lets lost commits and resets be recovered',
      instead: 'leave the reflog alone; git expires old entries by itself',
      match: { effect: 'expire-reflog' },
      examples: {
        match: ['reflog expire --expire=now --all', 'reflog delete HEAD@{1}'],
        notMatch: ['reflog', 'reflog show'],
      },
    },
    {
      id: 'prune-objects',
      reason: 'deletes unreachable objects now, the last copy of dropped stashes and reset commits',
      instead: 'run plain `git gc`, which keeps recent unreachable objects for two weeks',
      match: { effect: 'prune-objects' },
      examples: {
        match: ['gc --prune=now', 'prune'],
        notMatch: ['gc'],
      },
    },
    {
      id: 'delete-ref',
      reason: 'deletes a ref directly, bypassing every safety check of branch and tag',
      instead: 'use `git branch -d` for branches; ask the orchestrator for anything else',
      match: { effect: 'delete-ref' },
      examples: {
        match: ['update-ref -d refs/heads/feature'],
        notMatch: ['update-ref refs/heads/feature HEAD'],
      },
    },
    {
      id: 'bypass-hooks',
      reason:
        'skips the git hooks that check every commit and push (scope checks, the pre-push policy)',
      instead:
        'run the command without --no-verify, -n, core.hooksPath or HUSKY=0 and fix what the hook reports',
      alert: 'maximum',
      match: { effect: 'bypass-hooks' },
      examples: {
        match: [
          'commit --no-verify -m wip',
          'commit -n -m wip',
          'push --no-verify',
          '-c core.hooksPath=/dev/null commit -m wip',
        ],
        notMatch: ['commit -m wip', 'commit -am "skip --no-verify"', 'push origin main'],
      },
    },
    {
      id: 'hooks-path-config',
      reason:
        'changes or removes core.hooksPath, which switches off the hooks that guard every commit and push',
      instead: 'leave core.hooksPath as installed; ask the orchestrator to change hook settings',
      alert: 'maximum',
      match: {
        subcommand: 'config',
        operand: '^[Cc][Oo][Rr][Ee]\\.[Hh][Oo][Oo][Kk][Ss][Pp][Aa][Tt][Hh]$',
      },
      unless: [{ anyOption: ['--get', '--get-all', '--list'] }, { verb: 'get' }],
      examples: {
        match: ['config core.hooksPath /dev/null', 'config --unset core.hooksPath'],
        notMatch: ['config --get core.hooksPath', 'config user.name Test'],
      },
    },
  ],
});

/**
 * `opsGitSafety`, the default: for many agents sharing one working tree. Everything `precise`
 * blocks, and the seven subcommands agents reach for to "tidy up" are blocked outright, in every
 * form: each of them can undo or hide another agent's uncommitted work in a shared tree.
 */
import { definePolicy } from '../src/policy/define.js';
import { precise } from './precise.js';

const HAND_OVER =
  'leave other agents’ changes alone; commit your own files by path or hand them over with `gitfence save-patch`';

export const opsGitSafety = definePolicy({
  name: 'opsGitSafety',
  extends: [precise],
  git: {
    blockedSubcommands: {
      restore: {
        id: 'rollback/restore',
        reason:
          'restore rewrites files from the index or a commit, wiping uncommitted work of every agent in this tree',
        instead: `${HAND_OVER}; to undo your own edit, edit the file back`,
        alert: 'maximum',
        examples: {
          match: ['restore file.txt', 'restore --staged file.txt', 'restore .'],
          notMatch: ['status'],
        },
      },
      checkout: {
        id: 'rollback/checkout',
        reason:
          'checkout overwrites files or switches the shared working tree under every other agent',
        instead: `${HAND_OVER}; work on a branch in your own worktree (\`gitfence worktree add\`)`,
        alert: 'maximum',
        examples: {
          match: ['checkout -- .', 'checkout -b x', 'checkout main'],
          notMatch: ['checkout-index -n -a'],
        },
      },
      reset: {
        id: 'rollback/reset',
        reason:
          'reset moves the branch and the index that every agent in this tree shares, and --hard wipes their work',
        instead: `${HAND_OVER}; to unstage your own file, ask the orchestrator`,
        examples: { match: ['reset', 'reset --soft HEAD~1', 'reset --hard'], notMatch: ['status'] },
      },
      clean: {
        id: 'rollback/clean',
        reason: 'clean deletes untracked files, which are other agents’ new, never-committed work',
        instead: 'delete your own files by name',
        examples: { match: ['clean -n', 'clean -fd'], notMatch: ['status'] },
      },
      revert: {
        id: 'rollback/revert',
        reason:
          'revert rewrites tracked files and commits on the branch every agent in this tree shares',
        instead: 'ask the orchestrator to revert commits',
        examples: { match: ['revert HEAD'], notMatch: ['log'] },
      },
      switch: {
        id: 'rollback/switch',
        reason: 'switch changes the branch of the working tree every agent shares',
        instead: 'work on a branch in your own worktree (`gitfence worktree add`)',
        examples: { match: ['switch main', 'switch -c feature'], notMatch: ['status'] },
      },
      stash: {
        id: 'rollback/stash',
        reason: 'stash takes every agent’s uncommitted changes out of the shared working tree',
        instead: `${HAND_OVER}`,
        examples: { match: ['stash', 'stash list', 'stash pop'], notMatch: ['status'] },
      },
    },
  },
});

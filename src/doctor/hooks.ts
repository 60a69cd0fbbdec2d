/** Doctor: are gitfence's git hooks wired up here (husky's `_` folder, core.hooksPath)? */
import { inspectGitHooks } from '../install/git-hooks.js';
import type { DoctorCheck } from './types.js';

export const HOOKS_CHECK: DoctorCheck = {
  name: 'git hooks',
  async run({ cwd, repo, git }) {
    if (!repo?.topLevel)
      return [{ status: 'ok', message: 'not in a working tree: no hooks to check' }];
    const problems = await inspectGitHooks(cwd, git);
    if (problems.length === 0) {
      return [{ status: 'ok', message: 'pre-commit and pre-push run gitfence in this worktree' }];
    }
    // Missing hooks weaken the last line of defence but do not stop the other enforcement points.
    return problems.map((problem) => ({
      status: 'warn' as const,
      message: problem.replace(/: run `gitfence init`$/, ''),
      hint: 'run `gitfence init` (it keeps existing hooks and chains them)',
    }));
  },
};

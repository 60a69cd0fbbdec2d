/**
 * Hooks keep working through the shim (issue 3, item 8): a real husky pre-commit that runs
 * `git stash` (as lint-staged does) succeeds when an agent commits through the shim, because git
 * runs hooks with its own exec path first on PATH, so the hook's `git` is the real one; the same
 * `git stash` typed by the agent is denied.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { must, PROJECT_ROOT } from '../helpers/sandbox.js';
import { createShimWorld, type ShimWorld } from '../helpers/shim-world.js';

let w: ShimWorld;
beforeAll(() => {
  w = createShimWorld();
});
afterAll(() => w.cleanup());

describe('husky pre-commit running git stash', () => {
  it('works when the agent commits through the shim', () => {
    const repo = w.makeProtectedRepo('husky-repo', 'opsGitSafety');
    must(
      w.sb.run(process.execPath, [join(PROJECT_ROOT, 'node_modules', 'husky', 'bin.js')], {
        cwd: repo,
      }),
    );
    expect(must(w.sb.git(repo, 'config', 'core.hooksPath')).stdout.trim()).toBe('.husky/_');
    // what lint-staged does: hide unstaged changes, run the linters on what is staged, bring them back
    writeFileSync(
      join(repo, '.husky', 'pre-commit'),
      [
        'git stash push --keep-index --include-untracked -q -m "lint-staged backup"',
        'echo "hook saw: $(command -v git)" > "$(git rev-parse --git-dir)/hook-ran"',
        'git stash pop -q',
        '',
      ].join('\n'),
    );
    writeFileSync(join(repo, 'src', 'app.js'), 'console.log(2);\n');
    must(w.sb.git(repo, 'add', 'src/app.js'));

    // the agent's own `git stash` is denied by the policy…
    const stash = w.agent(repo, 'git', ['stash']);
    expect(stash.code).toBe(42);

    // …but its commit runs the hook, whose `git stash` is git's own
    const commit = w.agent(repo, 'git', ['commit', '-q', '-m', 'agent commit through the shim']);
    expect(commit.code, commit.stderr).toBe(0);
    expect(must(w.sb.git(repo, 'log', '-1', '--format=%s')).stdout.trim()).toBe(
      'agent commit through the shim',
    );
    const hookRan = join(repo, '.git', 'hook-ran');
    expect(existsSync(hookRan)).toBe(true);
    expect(readFileSync(hookRan, 'utf8')).not.toContain(w.shimDir);
    // the unstaged work the hook stashed came back
    expect(readFileSync(join(repo, 'README.md'), 'utf8')).toContain(
      'uncommitted edit by another agent',
    );
    expect(readFileSync(join(repo, 'untracked.txt'), 'utf8')).toBe('new file nobody committed\n');
    expect(must(w.sb.git(repo, 'stash', 'list')).stdout).toBe('');
  });
});

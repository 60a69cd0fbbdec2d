/** readHeadFromFiles agrees with `git rev-parse` wherever it answers, and defers when unsure. */
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { readHeadFromFiles } from '../../src/patch/head.js';
import { createSandbox, must, type Sandbox } from '../helpers/sandbox.js';

let sb: Sandbox;
beforeEach(() => {
  sb = createSandbox();
});
afterEach(() => sb.cleanup());

const revParse = (dir: string) => must(sb.git(dir, 'rev-parse', 'HEAD')).stdout.trim();

it('loose refs, packed refs, detached HEAD, linked worktrees; unborn defers to git', async () => {
  const repo = sb.makeRepo('r');
  const git = join(repo, '.git');
  expect(await readHeadFromFiles(git, git)).toEqual({ base: revParse(repo), branch: 'main' });

  must(sb.git(repo, 'pack-refs', '--all'));
  expect(await readHeadFromFiles(git, git)).toEqual({ base: revParse(repo), branch: 'main' });

  must(sb.git(repo, 'checkout', '-q', '--detach'));
  expect(await readHeadFromFiles(git, git)).toEqual({ base: revParse(repo), branch: null });
  must(sb.git(repo, 'checkout', '-q', 'main'));

  const tree = join(sb.root, 'wt');
  must(sb.git(repo, 'worktree', 'add', '-q', '-b', 'feature', tree));
  sb.write(join(tree, 'f.txt'), 'f\n');
  must(sb.git(tree, 'add', 'f.txt'));
  must(sb.git(tree, 'commit', '-qm', 'feature'));
  const gitDir = must(sb.git(tree, 'rev-parse', '--absolute-git-dir')).stdout.trim();
  expect(await readHeadFromFiles(gitDir, git)).toEqual({ base: revParse(tree), branch: 'feature' });

  must(sb.git(repo, 'checkout', '-q', '--orphan', 'unborn'));
  expect(await readHeadFromFiles(git, git)).toBeNull();
});

/** The hooks' fs-only repository discovery agrees with git's, and defers to git when unsure. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverRepoFromFs, fastSources } from '../../src/agents/fast-facts.js';
import { typedSubcommand } from '../../src/agents/shell/git-names.js';
import { discoverRepo } from '../../src/repo/discover.js';
import { createGitRunner } from '../../src/util/git-runner.js';
import { createSandbox, must, type Sandbox } from '../helpers/sandbox.js';

let sandbox: Sandbox;
let repo: string;
let worktree: string;

beforeAll(() => {
  sandbox = createSandbox();
  repo = sandbox.makeRepo('repo', { 'README.md': 'x\n', 'deep/er/file.txt': 'y\n' });
  worktree = join(sandbox.root, 'wt');
  must(sandbox.git(repo, 'worktree', 'add', '-q', '-b', 'wt', worktree));
  mkdirSync(join(sandbox.root, 'plain'));
  must(sandbox.git(sandbox.root, 'init', '-q', '--bare', 'bare.git'));
});
afterAll(() => sandbox.cleanup());

describe('discoverRepoFromFs', () => {
  const git = () => createGitRunner('git', sandbox.env);

  it.each([
    ['the top level', () => repo],
    ['a subdirectory', () => join(repo, 'deep', 'er')],
    ['a linked worktree', () => worktree],
  ])('matches git in %s', async (_label, where) => {
    const fromGit = await discoverRepo(where(), git());
    expect(discoverRepoFromFs(where(), {})).toEqual(fromGit);
  });

  it('defers to git outside a working tree and when GIT_DIR is set', () => {
    expect(discoverRepoFromFs(join(sandbox.root, 'bare.git'), {})).toBeUndefined();
    expect(discoverRepoFromFs(repo, { GIT_DIR: '/elsewhere' })).toBeUndefined();
  });

  it('skips the alias lookup only for git builtins', async () => {
    let asked = 0;
    const real = {
      discoverRepo: async () => null,
      gatherAliases: async () => {
        asked++;
        return { nuke: 'reset --hard' };
      },
    };
    const options = { cwd: repo, git: git() };
    expect(await fastSources(['-C', 'x', 'status'], {}, real).gatherAliases!(options)).toEqual({});
    expect(asked).toBe(0);
    expect(await fastSources(['nuke'], {}, real).gatherAliases!(options)).toEqual({
      nuke: 'reset --hard',
    });
    expect(await fastSources(['status'], {}, real, { s: 'stash' }).gatherAliases!(options)).toEqual(
      {
        nuke: 'reset --hard',
        s: 'stash',
      },
    );
    expect(typedSubcommand(['-c', 'a=b', '--no-pager', 'log'])).toBe('log');
    // the value of a global option is not the command: `git --shallow-file reset nuke` runs nuke
    expect(
      await fastSources(['--shallow-file', 'reset', 'nuke'], {}, real).gatherAliases!(options),
    ).toEqual({ nuke: 'reset --hard' });
    expect(typedSubcommand(['--attr-source', 'HEAD', 'nuke'])).toBe('nuke');
    expect(typedSubcommand(['--exec-path=/x', 'nuke'])).toBe('nuke');
    expect(typedSubcommand(['--version'])).toBeNull();
  });
});

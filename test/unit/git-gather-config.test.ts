import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { gatherAliases, gatherRefs } from '../../src/git/gather-config.js';
import { parseInvocation } from '../../src/git/parse.js';
import { spawnSync } from 'node:child_process';
import type { GitRunner } from '../../src/util/git-runner.js';
import { createSandbox, must, type Sandbox } from '../helpers/sandbox.js';

/**
 * A real-git runner with stdin closed: the shared createGitRunner writes to stdin after short git
 * calls may have exited (EPIPE, reported to the lead), which vitest counts as an unhandled error.
 */
function createGitRunner(gitPath: string, baseEnv: Record<string, string | undefined>): GitRunner {
  return {
    gitPath,
    run(args, options = {}) {
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries({ ...baseEnv, ...options.env }))
        if (v !== undefined) env[k] = v;
      const r = spawnSync(gitPath, args, {
        cwd: options.cwd,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      return Promise.resolve({
        code: r.status ?? 1,
        stdout: r.stdout.toString('utf8'),
        stdoutBuffer: r.stdout,
        stderr: r.stderr.toString('utf8'),
      });
    },
  };
}

let sb: Sandbox;
let repo: string;

beforeAll(() => {
  sb = createSandbox();
  repo = sb.makeRepo('repo', { 'README.md': 'hi\n', 'src/app.ts': 'x\n' });
  must(sb.git(repo, 'config', 'alias.nuke', 'reset --hard'));
  must(sb.git(repo, 'config', 'alias.Multi', 'log --format="a b"'));
  sb.write(join(sb.root, 'inc.gitconfig'), '[alias]\n\tfromInclude = clean -fd\n');
  must(sb.git(repo, 'config', 'include.path', join(sb.root, 'inc.gitconfig')));
  must(sb.git(sb.home, 'config', '--global', 'alias.glob', 'push -f'));
  must(sb.git(repo, 'branch', 'feature'));
  must(sb.git(repo, 'tag', 'v1.0'));
  must(sb.git(repo, 'branch', 'nested/topic'));
  must(sb.git(repo, 'pack-refs', '--all'));
  must(sb.git(repo, 'branch', 'loose-after-pack'));
  must(sb.git(repo, 'update-ref', 'refs/remotes/origin/dev', 'HEAD'));
  must(sb.git(repo, 'worktree', 'add', '-q', join(sb.root, 'wt'), '-b', 'wt-branch'));
});
afterAll(() => sb.cleanup());

describe('gatherAliases (real git config files)', () => {
  it('reads repository, global and included aliases, lower-cased', async () => {
    const git = createGitRunner('git', sb.env);
    const aliases = await gatherAliases(repo, git, sb.env);
    expect(aliases).toMatchObject({
      nuke: 'reset --hard',
      multi: 'log --format="a b"',
      frominclude: 'clean -fd',
      glob: 'push -f',
    });
    expect(parseInvocation(['nuke'], { env: sb.env, cwd: repo, aliases }).effects).toEqual([
      'discard-worktree-changes',
    ]);
  });

  it('leaves per-call config to the parser', async () => {
    const env = {
      ...sb.env,
      GIT_CONFIG_PARAMETERS: "'alias.percall'='status'",
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'alias.c',
      GIT_CONFIG_VALUE_0: 'x',
    };
    const aliases = await gatherAliases(repo, createGitRunner('git', env), env);
    expect(aliases.percall).toBeUndefined();
    expect(aliases.c).toBeUndefined();
    expect(aliases.nuke).toBe('reset --hard');
  });

  it('outside a repository still reads global aliases; none at all is {}', async () => {
    expect(await gatherAliases(sb.home, createGitRunner('git', sb.env), sb.env)).toEqual({
      glob: 'push -f',
    });
    const bare = { ...sb.env, GIT_CONFIG_GLOBAL: '/dev/null' };
    expect(await gatherAliases(sb.home, createGitRunner('git', bare), bare)).toEqual({});
  });

  it('a broken config file is an error, not an empty table', async () => {
    const broken = sb.makeRepo('broken');
    sb.write(join(broken, '.git/config'), '[core\n');
    await expect(
      gatherAliases(broken, createGitRunner('git', sb.env), sb.env),
    ).rejects.toMatchObject({ code: 'GIT_FAILED' });
  });
});

describe('gatherRefs (files on disk)', () => {
  it('matches git for-each-ref, loose and packed, from a subdirectory and a linked worktree', async () => {
    const git = createGitRunner('git', sb.env);
    const expected = must(
      sb.git(
        repo,
        'for-each-ref',
        '--format=%(refname:short)',
        'refs/heads',
        'refs/tags',
        'refs/remotes',
      ),
    )
      .stdout.split('\n')
      .filter(Boolean)
      .sort();
    expect(await gatherRefs(join(repo, 'src'), git)).toEqual(expected);
    expect(await gatherRefs(join(sb.root, 'wt'), git)).toEqual(expected);
    expect(expected).toEqual(
      expect.arrayContaining([
        'main',
        'feature',
        'v1.0',
        'nested/topic',
        'loose-after-pack',
        'origin/dev',
        'wt-branch',
      ]),
    );
  });

  it('is empty outside a repository', async () => {
    expect(await gatherRefs(sb.home, createGitRunner('git', sb.env))).toEqual([]);
  });

  it('feeds checkout classification', async () => {
    const refs = await gatherRefs(repo, createGitRunner('git', sb.env));
    const ctx = { env: {}, cwd: repo, refs };
    expect(parseInvocation(['checkout', 'feature'], ctx).effects).toEqual(['switch-branch']);
    expect(parseInvocation(['checkout', 'dev'], ctx).effects).toEqual(['switch-branch']);
    expect(parseInvocation(['checkout', 'README'], ctx).effects).toEqual([
      'discard-worktree-changes',
    ]);
  });
});

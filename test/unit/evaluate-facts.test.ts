/** The facts edge: the disk route must read exactly what git reads, or step aside for git. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatherAliases } from '../../src/git/gather-config.js';
import { discoverRepo } from '../../src/repo/discover.js';
import { readRepoAndAliases, parseGitConfig } from '../../src/facts/fast-repo.js';
import { gatherFacts, isAgentSession } from '../../src/facts/gather.js';
import { createRealGitRunner } from '../../src/facts/real-git.js';
import { parseInvocation } from '../../src/git/parse.js';
import { createSandbox, must, type Sandbox } from '../helpers/sandbox.js';
import { policy } from './evaluate-fixtures.js';

let sandbox: Sandbox;
beforeAll(() => {
  sandbox = createSandbox();
});
afterAll(() => sandbox.cleanup());

const runner = () => createRealGitRunner(sandbox.env, sandbox.home, 'as-called');

async function viaGit(cwd: string) {
  const git = runner();
  const [repo, aliases] = await Promise.all([
    discoverRepo(cwd, git),
    gatherAliases(cwd, git, sandbox.env),
  ]);
  return { repo, aliases };
}

describe('readRepoAndAliases', () => {
  it('matches git for a repository, a subdirectory and a linked worktree', async () => {
    const repo = sandbox.makeRepo('plain');
    must(sandbox.git(repo, 'config', 'alias.nuke', 'reset --hard'));
    must(sandbox.git(repo, 'config', 'alias.St', '  status   -s  # comment'));
    writeFileSync(
      sandbox.env.GIT_CONFIG_GLOBAL!,
      '[user]\n\tname = T\n\temail = t@e\n[alias]\n\tco = "checkout  --" ; c\n\tlg = log --oneline\n',
    );
    mkdirSync(join(repo, 'sub/deeper'), { recursive: true });
    must(sandbox.git(repo, 'worktree', 'add', '-q', '-b', 'wt', join(sandbox.root, 'wt')));
    for (const cwd of [repo, join(repo, 'sub/deeper'), join(sandbox.root, 'wt')]) {
      const disk = readRepoAndAliases(cwd, sandbox.env, sandbox.home);
      expect(disk).not.toBeNull();
      expect(disk).toEqual(await viaGit(cwd));
    }
  });

  it('outside any repository: no repo, global aliases only', async () => {
    const dir = join(sandbox.root, 'not-a-repo');
    mkdirSync(dir, { recursive: true });
    const disk = readRepoAndAliases(dir, sandbox.env, sandbox.home);
    expect(disk?.repo).toBeNull();
    expect(disk?.aliases).toEqual((await viaGit(dir)).aliases);
  });

  it('steps aside for git on includes, GIT_DIR, worktree config and continuation lines', () => {
    const repo = sandbox.makeRepo('tricky');
    expect(
      readRepoAndAliases(repo, { ...sandbox.env, GIT_DIR: join(repo, '.git') }, sandbox.home),
    ).toBeNull();
    const include = join(sandbox.root, 'inc.gitconfig');
    writeFileSync(include, '[alias]\n\tx = reset --hard\n');
    must(sandbox.git(repo, 'config', 'include.path', include));
    expect(readRepoAndAliases(repo, sandbox.env, sandbox.home)).toBeNull();
    expect(parseGitConfig('[alias]\n\tx = reset \\\n --hard\n')).not.toBeInstanceOf(Array);
    expect(parseGitConfig('[alias] x = status\n')).not.toBeInstanceOf(Array);
    expect(parseGitConfig('[alias]\n\tx = "unterminated\n')).not.toBeInstanceOf(Array);
  });
});

describe('gatherFacts', () => {
  it('spawns no git for a plain call, and reads refs and worktree roots only when needed', async () => {
    const repo = sandbox.makeRepo('facts');
    const p = policy();
    const parse = (argv: string[], aliases: Record<string, string>) =>
      parseInvocation(argv, { env: sandbox.env, cwd: repo, aliases });
    const base = {
      cwd: repo,
      env: sandbox.env,
      git: runner(),
      now: () => 0,
      policy: p,
      parse,
      home: sandbox.home,
    };
    const plain = await gatherFacts({ ...base, argv: ['status'] });
    expect(plain.gitSpawns).toBe(0);
    expect(plain.facts.refs).toBeUndefined();
    expect(plain.facts.allowedRoots).toBeUndefined();
    const checkout = await gatherFacts({ ...base, argv: ['checkout', 'main'] });
    expect(checkout.facts.refs).toContain('main');
    const other = sandbox.makeRepo('other');
    const guarded = await gatherFacts({ ...base, argv: ['-C', other, 'status'] });
    expect(guarded.gitSpawns).toBe(1);
    expect(guarded.facts.allowedRoots).toEqual([repo]);
  });

  it('knows an agent session by LLM_AGENT_NAME or a marker', () => {
    expect(isAgentSession({ LLM_AGENT_NAME: 'a' }, [])).toBe(true);
    expect(isAgentSession({ CLAUDECODE: '1' }, ['CLAUDECODE'])).toBe(true);
    expect(isAgentSession({ CLAUDECODE: '' }, ['CLAUDECODE'])).toBe(false);
    expect(isAgentSession({}, ['CLAUDECODE'])).toBe(false);
  });
});

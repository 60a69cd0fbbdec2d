/**
 * `gitfence lock` end to end: real git repositories, the built CLI as real processes, the real
 * pre-commit hook through `git commit`, and scoped status through `check --json` and the shim.
 */
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLI,
  createSandbox,
  installPreCommitHook,
  must,
  type Sandbox,
} from '../helpers/sandbox.js';

let sb: Sandbox;
let repo: string;
const asAgent = (agent: string | undefined, args: string[]) =>
  sb.gitfence(repo, args, { LLM_AGENT_NAME: agent });

/** Uncommitted work of three agents in one working tree. */
function editThreeAgents(dir: string) {
  sb.write(join(dir, 'src/a/one.ts'), 'export const one = 11;\n');
  sb.write(join(dir, 'src/a/new.ts'), 'export const fresh = 1;\n');
  sb.write(join(dir, 'src/b/two.ts'), 'export const two = 22;\n');
  sb.write(join(dir, 'docs/guide.md'), '# guide, edited\n');
}

beforeAll(() => {
  sb = createSandbox();
  repo = sb.makeRepo('repo', {
    'README.md': 'hello\n',
    'src/a/one.ts': 'export const one = 1;\n',
    'src/b/two.ts': 'export const two = 2;\n',
    'docs/guide.md': '# guide\n',
  });
  must(sb.gitfence(repo, ['compile']));
});
afterAll(() => sb.cleanup());

describe('gitfence lock', () => {
  it('refuses an overlapping glob with 42 naming the holder and an example, and grants a disjoint one', () => {
    const a = asAgent('A', ['lock', 'acquire', 'src/a/**', '--reason', 'api work']);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toMatch(
      /granted exclusive lease l-[0-9a-f]+ \(token \d+\) to A: src\/a\/\*\*/,
    );

    const b = asAgent('B', ['lock', 'acquire', 'src/**/*.ts']);
    expect(b.code).toBe(42);
    expect(b.stderr).toMatch(
      /denied lock-conflict: src\/\*\*\/\*\.ts overlaps src\/a\/\*\*, held by agent A/,
    );
    expect(b.stderr).toMatch(/both match src\/a\/[^ ]*\.ts/);
    expect(b.stderr).toMatch(/expires \d{4}-\d\d-\d\dT[\d:]+Z \(in 30m\)/);
    expect(b.stderr).toContain('"api work"');

    const json = asAgent('B', ['lock', 'acquire', 'src/**/*.ts', '--json']);
    expect(json.code).toBe(42);
    expect(JSON.parse(json.stdout).conflicts[0]).toMatchObject({
      holder: 'A',
      held: 'src/a/**',
      exact: true,
    });

    expect(asAgent('B', ['lock', 'acquire', 'docs/**']).code).toBe(0);
  });

  it('needs an agent name: exit 2 saying to set LLM_AGENT_NAME', () => {
    const r = asAgent(undefined, ['lock', 'acquire', 'x/**']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('LLM_AGENT_NAME');
    expect(asAgent('A', ['lock', 'acquire', '../outside/**']).code).toBe(2);
    expect(asAgent('A', ['lock', 'frobnicate']).code).toBe(2);
  });

  it('lists, renews by id and token, and releases, keeping history', () => {
    const list = JSON.parse(must(asAgent(undefined, ['lock', 'list', '--json'])).stdout);
    const b = list.active.find((l: { owner: string }) => l.owner === 'B');
    expect(b.patterns).toEqual(['docs/**']);
    const renewed = asAgent(undefined, [
      'lock',
      'renew',
      '--id',
      b.id,
      '--token',
      String(b.token),
      '--ttl',
      '1h',
      '--json',
    ]);
    expect(renewed.code, renewed.stderr).toBe(0);
    expect(JSON.parse(renewed.stdout).renewed[0].expiresAt).toBeGreaterThan(b.expiresAt);
    expect(
      asAgent(undefined, ['lock', 'renew', '--id', b.id, '--token', String(b.token + 100)]).code,
    ).toBe(2);
    const released = asAgent('B', ['lock', 'release']);
    expect(released.code, released.stderr).toBe(0);
    const all = JSON.parse(must(asAgent(undefined, ['lock', 'list', '--all', '--json'])).stdout);
    expect(all.active.map((l: { owner: string }) => l.owner)).toEqual(['A']);
    expect(all.history.map((e: { kind: string }) => e.kind)).toEqual([
      'granted',
      'granted',
      'renewed',
      'released',
    ]);
  });

  it('--wait retries until the holder’s lease expires', () => {
    must(asAgent('H', ['lock', 'acquire', 'waited/**', '--ttl', '1s']));
    expect(asAgent('W', ['lock', 'acquire', 'waited/x/**']).code).toBe(42);
    const r = asAgent('W', ['lock', 'acquire', 'waited/x/**', '--wait', '20s']);
    expect(r.code, r.stderr).toBe(0);
  });

  it('shares one store across linked worktrees', () => {
    const linked = join(sb.root, 'linked');
    must(sb.git(repo, 'worktree', 'add', '-q', linked));
    const r = sb.gitfence(linked, ['lock', 'acquire', 'src/a/deep/**'], { LLM_AGENT_NAME: 'W' });
    expect(r.code).toBe(42);
    expect(r.stderr).toContain('held by agent A');
  });

  it('30 agents racing for shared/**: exactly one wins', async () => {
    const codes = await Promise.all(
      Array.from(
        { length: 30 },
        (_, i) =>
          new Promise<number>((resolve) => {
            const child = spawn(process.execPath, [CLI, 'lock', 'acquire', 'shared/**'], {
              cwd: repo,
              env: { ...sb.env, LLM_AGENT_NAME: `racer-${i}` },
              stdio: 'ignore',
            });
            child.on('exit', (code) => resolve(code ?? -1));
          }),
      ),
    );
    expect(codes.filter((c) => c === 0)).toHaveLength(1);
    expect(codes.filter((c) => c === 42)).toHaveLength(29);
  });
});

describe('pre-commit scope check through git commit', () => {
  let hooked: string;
  const commit = (agent: string | undefined, ...paths: string[]) => {
    must(sb.run('git', ['add', '--', ...paths], { cwd: hooked }));
    return sb.run('git', ['commit', '-q', '-m', 'change'], {
      cwd: hooked,
      env: { LLM_AGENT_NAME: agent },
    });
  };

  beforeAll(() => {
    hooked = sb.makeRepo('hooked', {
      'src/a/one.ts': '1\n',
      'src/b/two.ts': '2\n',
      'docs/guide.md': '# g\n',
    });
    must(sb.gitfence(hooked, ['compile']));
    installPreCommitHook(sb, hooked);
    must(sb.gitfence(hooked, ['lock', 'acquire', 'src/a/**'], { LLM_AGENT_NAME: 'A' }));
    must(sb.gitfence(hooked, ['lock', 'acquire', 'src/b/**'], { LLM_AGENT_NAME: 'B' }));
  });

  it('lets an agent commit inside its scope', () => {
    sb.write(join(hooked, 'src/a/one.ts'), '1a\n');
    const r = commit('A', 'src/a/one.ts');
    expect(r.code, r.stderr).toBe(0);
  });

  it('denies a commit outside its scope and inside another agent’s exclusive scope', () => {
    sb.write(join(hooked, 'src/b/two.ts'), '2a\n');
    const r = commit('A', 'src/b/two.ts');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('gitfence/commit-outside-scope');
    expect(r.stderr).toContain("agent B's exclusive lock scope");
    expect(sb.git(hooked, 'log', '--format=%s').stdout.trim().split('\n')).toHaveLength(2);
    must(sb.run('git', ['reset', '-q'], { cwd: hooked }));
  });

  it('accepts what the scoped status showed: a dotfile and a directory named as the scope', () => {
    must(sb.gitfence(hooked, ['lock', 'acquire', 'cfg'], { LLM_AGENT_NAME: 'A' }));
    sb.write(join(hooked, 'src/a/.env'), 'KEY=1\n');
    sb.write(join(hooked, 'cfg/.local/x.json'), '{}\n');
    const check = sb.gitfence(hooked, ['check', '--json', '--', 'status', '--porcelain', '-uall'], {
      LLM_AGENT_NAME: 'A',
    });
    const argv: string[] = JSON.parse(check.stdout).rewrite.argv;
    const shown = must(sb.git(hooked, ...argv)).stdout;
    expect(shown).toContain('src/a/.env');
    expect(shown).toContain('cfg/.local/x.json');
    const r = commit('A', 'src/a/.env', 'cfg/.local/x.json');
    expect(r.code, r.stderr).toBe(0);
  });

  it('counts both sides of a rename', () => {
    must(sb.git(hooked, 'mv', 'src/b/two.ts', 'src/a/two.ts'));
    const r = sb.run('git', ['commit', '-q', '-m', 'move'], {
      cwd: hooked,
      env: { LLM_AGENT_NAME: 'A' },
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('src/b/two.ts');
    // A human's commit (no agent name) is not scope-checked.
    const human = sb.run('git', ['commit', '-q', '-m', 'move by a human'], { cwd: hooked });
    expect(human.code, human.stderr).toBe(0);
  });

  it('fails closed when the lease store is corrupt', () => {
    const store = join(hooked, '.git/gitfence/leases/leases.json');
    renameSync(store, `${store}.bak`);
    writeFileSync(store, '{ not json');
    sb.write(join(hooked, 'src/a/one.ts'), '1b\n');
    const r = commit('A', 'src/a/one.ts');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('lease store');
    renameSync(`${store}.bak`, store);
  });
});

describe('scoped status and diff of three agents', () => {
  let three: string;
  const shimDir = () => join(sb.gitfenceHome, 'bin');
  const shimAvailable = () => existsSync(shimDir());

  beforeAll(() => {
    three = sb.makeRepo('three', {
      'src/a/one.ts': '1\n',
      'src/b/two.ts': '2\n',
      'docs/guide.md': '# g\n',
    });
    must(sb.gitfence(three, ['compile']));
    editThreeAgents(three);
    must(sb.gitfence(three, ['lock', 'acquire', 'src/a/**'], { LLM_AGENT_NAME: 'A' }));
    must(sb.gitfence(three, ['lock', 'acquire', 'src/b/**'], { LLM_AGENT_NAME: 'B' }));
    sb.gitfence(sb.root, ['shim', 'install']);
  });

  it('check --json rewrites status and diff to the agent’s scopes', () => {
    for (const sub of ['status', 'diff']) {
      const r = sb.gitfence(three, ['check', '--json', '--', sub], { LLM_AGENT_NAME: 'A' });
      expect(r.code, r.stderr).toBe(0);
      const decision = JSON.parse(r.stdout);
      expect(decision.rewrite.argv).toEqual([sub, '--', ':(top,glob)src/a/**']);
    }
    expect(sb.gitfence(three, ['check', '--', 'status'], { LLM_AGENT_NAME: 'C' }).code).toBe(42);
  });

  it('through the installed shim, A sees only src/a; no lease is 42; a pathspec passes unchanged', () => {
    if (!shimAvailable()) return expect.fail('shim not installed: `gitfence shim install` failed');
    const env = { PATH: `${shimDir()}:${sb.env.PATH}`, GIT_CONFIG_GLOBAL: undefined };
    const status = sb.run('git', ['status', '--porcelain'], {
      cwd: three,
      env: { ...env, LLM_AGENT_NAME: 'A' },
    });
    expect(status.code, status.stderr).toBe(0);
    const paths = status.stdout
      .trimEnd()
      .split('\n')
      .map((l) => l.slice(3));
    expect(paths.sort()).toEqual(['src/a/new.ts', 'src/a/one.ts']);
    const fromSub = sb.run('git', ['status', '--porcelain'], {
      cwd: join(three, 'docs'),
      env: { ...env, LLM_AGENT_NAME: 'B' },
    });
    expect(fromSub.stdout).toContain('src/b/two.ts');
    expect(fromSub.stdout).not.toContain('src/a');
    const diff = sb.run('git', ['diff', '--name-only'], {
      cwd: three,
      env: { ...env, LLM_AGENT_NAME: 'B' },
    });
    expect(diff.stdout.trim()).toBe('src/b/two.ts');
    const none = sb.run('git', ['status', '--porcelain'], {
      cwd: three,
      env: { ...env, LLM_AGENT_NAME: 'C' },
    });
    expect(none.code).toBe(42);
    expect(none.stderr).toContain('gitfence lock acquire');
    const explicit = sb.run('git', ['status', '--porcelain', '--', 'docs'], {
      cwd: three,
      env: { ...env, LLM_AGENT_NAME: 'A' },
    });
    expect(explicit.code).toBe(0);
    expect(explicit.stdout).toBe(' M docs/guide.md\n');
  });
});

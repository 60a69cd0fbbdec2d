/** `gitfence check` and `explain` as processes against real repositories (run `npm run build:js` first). */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Decision } from '../../src/evaluate/types.js';
import { CLI, createSandbox, must, type Sandbox } from '../helpers/sandbox.js';

let sandbox: Sandbox;
let ops: string;
let precise: string;

function withPolicy(name: string, preset: 'opsGitSafety' | 'precise'): string {
  const repo = sandbox.makeRepo(name, { 'README.md': 'hello\n', 'src/a.ts': 'a\n' });
  writeFileSync(
    join(repo, 'gitfence.policy.ts'),
    `import { definePolicy, presets } from 'gitfence';\nexport default definePolicy({ extends: [presets.${preset}] });\n`,
  );
  must(sandbox.gitfence(repo, ['compile']));
  return repo;
}

const check = (repo: string, args: string[], env: Record<string, string | undefined> = {}) =>
  sandbox.gitfence(repo, ['check', '--', ...args], env);

beforeAll(() => {
  sandbox = createSandbox();
  ops = withPolicy('ops', 'opsGitSafety');
  precise = withPolicy('precise', 'precise');
});
afterAll(() => sandbox.cleanup());

describe('gitfence check (opsGitSafety)', () => {
  it('denies reset --hard with exit 42 naming a rule id, allows status', () => {
    const denied = check(ops, ['reset', '--hard']);
    expect(denied.code).toBe(42);
    expect(denied.stderr).toMatch(/^gitfence: denied [a-z0-9/-]+: .+ — .+$/m);
    expect(check(ops, ['status']).code).toBe(0);
  });

  it('--json prints the Decision with every match', () => {
    const result = sandbox.gitfence(ops, ['check', '--json', '--', 'reset', '--har']);
    expect(result.code).toBe(42);
    const decision = JSON.parse(result.stdout) as Decision;
    expect(decision.outcome).toBe('deny');
    expect(decision.matches.length).toBeGreaterThanOrEqual(2);
    for (const match of decision.matches) {
      expect(match).toMatchObject({
        ruleId: expect.any(String),
        outcome: expect.stringMatching(/^(deny|warn|allow)$/),
        reason: expect.any(String),
        alert: expect.stringMatching(/^(normal|maximum)$/),
        source: { layer: expect.any(String), path: expect.any(String) },
      });
    }
    expect(decision.invocation).toMatchObject({ subcommand: 'reset', options: ['--hard'] });
    const allowed = JSON.parse(
      sandbox.gitfence(ops, ['check', '--json', '--', 'status']).stdout,
    ) as Decision;
    expect(allowed).toMatchObject({ outcome: 'allow', alert: 'none', warnings: [] });
  });

  it('reads aliases from repo config, global config and an [include] file', () => {
    must(sandbox.git(ops, 'config', 'alias.nuke', 'reset --hard'));
    expect(check(ops, ['nuke']).code).toBe(42);
    const global = sandbox.env.GIT_CONFIG_GLOBAL!;
    const include = join(sandbox.root, 'aliases.inc');
    writeFileSync(include, '[alias]\n\twipe = clean -fdx\n');
    writeFileSync(
      global,
      `[user]\n\tname = T\n\temail = t@e\n[alias]\n\tgone = push --force\n[include]\n\tpath = ${include}\n`,
    );
    try {
      const gone = sandbox.gitfence(ops, ['check', '--json', '--', 'gone', 'origin', 'main']);
      expect(gone.code).toBe(42);
      expect((JSON.parse(gone.stdout) as Decision).invocation?.aliasChain).toEqual(['gone']);
      expect(check(ops, ['wipe']).code).toBe(42);
      expect(check(ops, ['status']).code).toBe(0);
    } finally {
      writeFileSync(global, '[user]\n\tname = T\n\temail = t@e\n');
    }
  });

  it('guards -C into another repository, allows -C inside this one', () => {
    const other = sandbox.makeRepo('other');
    const out = check(ops, ['-C', other, 'status']);
    expect(out.code).toBe(42);
    expect(out.stderr).toContain('gitfence/path-guard');
    expect(check(ops, ['-C', 'src', 'status']).code).toBe(0);
    expect(check(ops, ['--git-dir', join(other, '.git'), 'log']).code).toBe(42);
  });

  it('--cwd decides as if run there', () => {
    expect(
      sandbox.gitfence(sandbox.root, ['check', '--cwd', ops, '--', 'reset', '--hard']).code,
    ).toBe(42);
    expect(sandbox.gitfence(sandbox.root, ['check', '--cwd', ops, '--', 'status']).code).toBe(0);
    expect(sandbox.gitfence(ops, ['check', '--cwd', 'nope', '--', 'status']).code).toBe(2);
    expect(sandbox.gitfence(ops, ['check', '--bogus', '--', 'status']).code).toBe(2);
    expect(sandbox.gitfence(ops, ['check']).code).toBe(2);
  });

  it('auto-scopes an agent status: no lease → 42 with the command to take one; no agent → 0', () => {
    const out = check(ops, ['status'], { LLM_AGENT_NAME: 'claude-1' });
    expect(out.code).toBe(42);
    expect(out.stderr).toContain('gitfence/scope-required');
    expect(out.stderr).toContain("gitfence lock acquire '<glob>'");
    expect(check(ops, ['status', '--', 'docs'], { LLM_AGENT_NAME: 'claude-1' }).code).toBe(0);
    expect(check(ops, ['status']).code).toBe(0);
  });

  it('rewrites an agent status/diff to its lease; the rewritten argv works from a subdirectory', () => {
    const repo = withPolicy('scoped', 'opsGitSafety');
    for (const [path, text] of [
      ['src/a/x.ts', 'a\n'],
      ['src/b/y.ts', 'b\n'],
      ['docs/z.md', 'z\n'],
    ] as const) {
      sandbox.write(join(repo, path), text);
    }
    must(sandbox.gitfence(repo, ['lock', 'acquire', 'src/a/**'], { LLM_AGENT_NAME: 'agent-a' }));
    const sub = join(repo, 'docs');
    const out = sandbox.gitfence(sub, ['check', '--json', '--', 'status', '--porcelain'], {
      LLM_AGENT_NAME: 'agent-a',
    });
    expect(out.code).toBe(0);
    const decision = JSON.parse(out.stdout) as Decision;
    expect(decision.rewrite?.argv).toEqual(['status', '--porcelain', '--', ':(top,glob)src/a/**']);
    const status = must(sandbox.git(sub, ...decision.rewrite!.argv)).stdout;
    expect(status.trim().split('\n')).toEqual(['?? src/a/']);
    const diff = JSON.parse(
      sandbox.gitfence(repo, ['check', '--json', '--', 'diff', 'HEAD~0'], {
        LLM_AGENT_NAME: 'agent-a',
      }).stdout,
    ) as Decision;
    expect(diff.rewrite?.argv).toEqual(['diff', 'HEAD~0', '--', ':(top,glob)src/a/**']);
    // another agent without a lease is denied
    expect(check(repo, ['status'], { LLM_AGENT_NAME: 'agent-b' }).code).toBe(42);
  });

  it('a deleted compiled policy fails closed with exit 42 and says how to compile', () => {
    const repo = withPolicy('deleted', 'opsGitSafety');
    rmSync(join(repo, '.git/gitfence/policy.json'));
    for (const args of [['status'], ['reset', '--hard']]) {
      const out = check(repo, args);
      expect(out.code).toBe(42);
      expect(out.stderr).toContain('gitfence/policy-not-compiled');
      expect(out.stderr).toContain('gitfence compile');
    }
  });

  it('a corrupt compiled policy fails closed too', () => {
    const repo = withPolicy('corrupt', 'opsGitSafety');
    writeFileSync(join(repo, '.git/gitfence/policy.json'), '{"format":');
    const out = check(repo, ['status']);
    expect(out.code).toBe(42);
    expect(out.stderr).toContain('gitfence/policy-corrupt');
  });
});

describe('gitfence check (precise): the must-show list', () => {
  it.each([
    [['checkout', '-b', 'x']],
    [['restore', '--staged', 'README.md']],
    [['clean', '-n']],
    [['stash', 'list']],
    [['commit', '-m', 'reset --hard']],
    [['status']],
  ])('allows %j', (args) => {
    const out = check(precise, args);
    expect({ code: out.code, stderr: out.stderr }).toEqual({ code: 0, stderr: '' });
  });

  it.each([
    [['checkout', '--', '.']],
    [['checkout', '.']],
    [['reset', '--har']],
    [['clean', '-fdx']],
    [['-c', 'alias.x=reset --hard', 'x']],
    [['push', 'origin', '+main']],
    [['push', '--force-with-lease', '--force']],
    [['branch', '-D', 'x']],
    [['stash', 'drop']],
  ])('denies %j', (args) => {
    const out = check(precise, args);
    expect(out.code).toBe(42);
    expect(out.stderr).toMatch(/^gitfence: denied \S+: /);
  });

  it('denies a repo alias nuke = reset --hard', () => {
    must(sandbox.git(precise, 'config', 'alias.nuke', 'reset --hard'));
    expect(check(precise, ['nuke']).code).toBe(42);
  });
});

describe('the loud alert on a terminal', () => {
  // `script` gives the CLI a real pseudo-terminal on stdin, stdout and stderr
  const onTerminal = (repo: string, args: string[], env: Record<string, string> = {}) =>
    sandbox.run(
      'script',
      [
        '-qec',
        [process.execPath, CLI, 'check', '--', ...args].map((w) => `'${w}'`).join(' '),
        '/dev/null',
      ],
      { cwd: repo, env },
    );

  it('maximum for checkout: STOP banner, three bells, rule id and what to do', () => {
    const out = onTerminal(ops, ['checkout', '--', '.']);
    expect(out.code).toBe(42);
    expect(out.stdout).toContain('MAXIMUM ALERT');
    expect(out.stdout).toContain('rollback/checkout');
    expect(out.stdout).toContain('instead');
    expect(out.stdout.split('\x07').length - 1).toBe(3);
    expect(out.stdout).not.toContain('\x1b['); // NO_COLOR=1 in the sandbox
  });

  it('normal for clean: a framed box with one bell; colour with FORCE_COLOR', () => {
    const out = onTerminal(ops, ['clean', '-n'], { FORCE_COLOR: '1', NO_COLOR: '' });
    expect(out.code).toBe(42);
    expect(out.stdout).toContain('gitfence denied this git command');
    expect(out.stdout).not.toContain('MAXIMUM ALERT');
    expect(out.stdout.split('\x07').length - 1).toBe(1);
    expect(out.stdout).toContain('\x1b[');
  });

  it('no banner when stderr is not a terminal', () => {
    expect(check(ops, ['checkout', '--', '.']).stderr).not.toContain('\x07');
  });
});

describe('gitfence explain', () => {
  it('prints how git reads the call, every matching rule and the aggregate', () => {
    must(sandbox.git(ops, 'config', 'alias.nuke', 'reset --hard'));
    const out = sandbox.gitfence(ops, ['explain', '--', 'nuke']);
    expect(out.code).toBe(42);
    expect(out.stdout).toContain('how git reads it');
    expect(out.stdout).toMatch(/subcommand\s+reset \(typed nuke; alias nuke → reset\)/);
    expect(out.stdout).toContain('rules that matched');
    expect(out.stdout).toContain('defined');
    expect(out.stdout).toMatch(/outcome\s+DENIED/);
    const json = JSON.parse(sandbox.gitfence(ops, ['explain', '--json', '--', 'status']).stdout);
    expect(json.decision.outcome).toBe('allow');
    expect(json.invocation.subcommand).toBe('status');
    expect(json.facts.repoRoot).toBe(ops);
  });

  it('--help works for both commands', () => {
    for (const name of ['check', 'explain']) {
      const out = sandbox.gitfence(ops, [name, '--help']);
      expect(out.code).toBe(0);
      expect(out.stdout).toContain(`usage: gitfence ${name}`);
    }
  });
});

/** `gitfence check-shell` through the built CLI, in throwaway repositories. */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, createSandbox, must, type Sandbox } from '../helpers/sandbox.js';

let sandbox: Sandbox;
let repo: string;

beforeAll(() => {
  sandbox = createSandbox();
  repo = sandbox.makeRepo('repo', { 'README.md': 'hello\n', 'sub/file.txt': 'x\n' });
  must(sandbox.gitfence(repo, ['compile']));
  must(sandbox.gitfence(repo, ['compile', '--global']));
});
afterAll(() => sandbox.cleanup());

describe('gitfence check-shell', () => {
  it.each([
    '/usr/bin/git reset --hard',
    'sudo git checkout -- .',
    "bash -c 'cd sub && git clean -fdx'",
    `python3 -c "import subprocess; subprocess.run(['git','reset','--hard'])"`,
  ])('denies %s with exit 42, naming the call and the rule', (command) => {
    const result = sandbox.gitfence(repo, ['check-shell', '--', command]);
    expect(result.code).toBe(42);
    expect(result.stderr).toMatch(/gitfence: denied [a-z/-]+: .*\[git /);
    expect(result.stdout).toMatch(/^gitfence: denied/);
  });

  it.each(['git commit -m "reset --hard"', 'echo git reset --hard', "grep -r 'git clean -f' docs"])(
    'allows %s with exit 0',
    (command) => {
      const result = sandbox.gitfence(repo, ['check-shell', '--', command]);
      expect(result.code).toBe(0);
      expect(result.stderr).toBe('');
    },
  );

  it('lists the Decision of every call with --json', () => {
    const result = sandbox.gitfence(repo, [
      'check-shell',
      '--json',
      '--',
      'git add . && sudo git stash drop',
    ]);
    expect(result.code).toBe(42);
    const report = JSON.parse(result.stdout) as {
      outcome: string;
      calls: Array<{
        argv: string[];
        via: string[];
        decision: { outcome: string; matches: Array<{ ruleId: string }> };
      }>;
    };
    expect(report.outcome).toBe('deny');
    expect(report.calls.map((c) => [c.argv, c.via, c.decision.outcome])).toEqual([
      [['add', '.'], [], 'allow'],
      [['stash', 'drop'], ['sudo'], 'deny'],
    ]);
    expect(report.calls[1]?.decision.matches.map((m) => m.ruleId)).toContain('drop-stash');
  });

  it('decides from --cwd, and outside a repository with the global policy', () => {
    const elsewhere = sandbox.root;
    expect(
      sandbox.gitfence(elsewhere, ['check-shell', '--cwd', repo, '--', 'git reset --hard']).code,
    ).toBe(42);
    const outside = sandbox.gitfence(join(sandbox.root, 'home'), [
      'check-shell',
      '--',
      'git clean -fdx',
    ]);
    expect(outside.code).toBe(42);
    expect(
      sandbox.gitfence(join(sandbox.root, 'home'), ['check-shell', '--', 'git --version']).code,
    ).toBe(0);
  });

  it('denies an unparseable string only when it looks like git', () => {
    const gitLike = sandbox.gitfence(repo, ['check-shell', '--', 'git reset "--hard']);
    expect(gitLike.code).toBe(42);
    expect(gitLike.stderr).toMatch(/gitfence\/unparseable/);
    expect(sandbox.gitfence(repo, ['check-shell', '--', 'echo "unterminated']).code).toBe(0);
  });

  it('applies an alias the same string defines', () => {
    const result = sandbox.gitfence(repo, [
      'check-shell',
      '--',
      "git config alias.nuke 'reset --hard' && git nuke",
    ]);
    expect(result.code).toBe(42);
    expect(result.stderr).toMatch(/\[git nuke\]/);
  });

  it('shows the loud alert on a terminal only (real pseudo-terminal)', () => {
    const cli = `'${process.execPath}' '${CLI}' check-shell -- 'sudo git checkout -- .'`;
    const tty = sandbox.run('script', ['-qec', cli, '/dev/null'], { cwd: repo });
    expect(tty.code).toBe(42);
    expect(tty.stdout).toMatch(/gitfence BLOCKED THIS COMMAND/);
    expect(tty.stdout).toMatch(/git checkout -- \. \(via sudo\)/);
    const piped = sandbox.gitfence(repo, ['check-shell', '--', 'sudo git checkout -- .']);
    expect(piped.stderr).not.toMatch(/BLOCKED/);
  });

  it('reports usage errors with exit 2', () => {
    expect(sandbox.gitfence(repo, ['check-shell']).code).toBe(2);
    expect(
      sandbox.gitfence(repo, ['check-shell', '--cwd', '/nonexistent', '--', 'git status']).code,
    ).toBe(2);
    expect(sandbox.gitfence(repo, ['check-shell', '--bogus', '--', 'git status']).code).toBe(2);
    expect(sandbox.gitfence(repo, ['check-shell', '--help']).stdout).toMatch(
      /usage: gitfence check-shell/,
    );
  });

  it('fails closed when the compiled policy is corrupt', () => {
    const broken = sandbox.makeRepo('broken');
    must(sandbox.gitfence(broken, ['compile']));
    sandbox.write(join(broken, '.git', 'gitfence', 'policy.json'), '{"format":');
    const result = sandbox.gitfence(broken, ['check-shell', '--', 'git status']);
    expect(result.code).toBe(42);
    expect(result.stderr).toMatch(/policy-corrupt/);
  });
});

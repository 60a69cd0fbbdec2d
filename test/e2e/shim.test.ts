/**
 * The shim through real processes (issue 3, items 6 and "must show"): every route an agent's
 * program can take to a destructive git call meets the policy, exits 42, and changes nothing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { must, PROJECT_ROOT } from '../helpers/sandbox.js';
import { createShimWorld, fingerprint, type ShimWorld } from '../helpers/shim-world.js';

/** `checkout`: the built CLI in this checkout; `tarball`: `npm pack`, then `npm install` of that file. */
const MODE = (process.env.GITFENCE_SHIM_TEST_MODE ?? 'checkout') as 'checkout' | 'tarball';

let w: ShimWorld;
let repo: string;
let other: string;

function installFromTarball(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gitfence-tarball-'));
  must(spawnResult('npm', ['pack', '--pack-destination', dir], PROJECT_ROOT));
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'))!;
  must(
    spawnResult(
      'npm',
      [
        'install',
        '--offline',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
        '--prefix',
        join(dir, 'prefix'),
        join(dir, tarball),
      ],
      dir,
    ),
  );
  return join(dir, 'prefix', 'node_modules', 'gitfence', 'bin', 'gitfence.js');
}

function spawnResult(cmd: string, args: string[], cwd: string) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

let tarballDir: string | null = null;
beforeAll(() => {
  const cli = MODE === 'tarball' ? installFromTarball() : undefined;
  if (cli) tarballDir = join(cli, '../../../../..');
  w = createShimWorld({ cli });
  repo = w.makeProtectedRepo('repo');
  other = w.makeProtectedRepo('other');
}, 120_000);
afterAll(() => {
  w.cleanup();
  if (tarballDir) rmSync(tarballDir, { recursive: true, force: true });
});

function expectDenied(result: { code: number; stderr: string; stdout: string }, code = 42) {
  expect(result.stderr, result.stdout).toMatch(/gitfence: denied /);
  expect(result.code).toBe(code);
}

describe('destructive calls are denied from every kind of process, and nothing changes', () => {
  const cases: Array<[string, string[], number?]> = [
    [
      'python subprocess',
      [
        'python3',
        '-c',
        "import subprocess,sys; sys.exit(subprocess.run(['git','reset','--hard']).returncode)",
      ],
    ],
    [
      'node execFileSync',
      [
        'node',
        '-e',
        "try { require('child_process').execFileSync('git', ['checkout','--','.'], {stdio:'inherit'}) } catch (e) { process.exit(e.status) }",
      ],
    ],
    ['sh -c', ['sh', '-c', 'git reset --hard']],
    ['env', ['env', 'git', 'reset', '--hard']],
    ['env with a variable', ['env', 'FOO=1', 'git', 'clean', '-fdx']],
    // xargs reports a child's exit 1-125 as 123; the denial line shows git's own 42
    ['xargs', ['sh', '-c', 'echo HEAD | xargs git reset --hard'], 123],
    ['-c alias', ['git', '-c', 'alias.x=reset --hard', 'x']],
    ['-c ! alias running git', ['git', '-c', 'alias.y=!git checkout -- .', 'y']],
    ['dashed git-reset on PATH', ['git-reset', '--hard']],
    [
      'git-reset through --exec-path',
      ['sh', '-c', 'PATH="$(git --exec-path):$PATH" git-reset --hard'],
    ],
    [
      'GIT_DIR= git',
      ['sh', '-c', `GIT_DIR=${'$OTHER'}/.git GIT_WORK_TREE=${'$OTHER'} git reset --hard`],
    ],
    ['git -C other-repo', ['sh', '-c', 'git -C "$OTHER" reset --hard']],
  ];
  for (const [name, [cmd, ...args], code] of cases) {
    it(name, () => {
      const before = [fingerprint(w.sb, repo), fingerprint(w.sb, other)];
      const result = w.agent(repo, cmd!, args, { OTHER: other });
      expectDenied(result, code);
      expect([fingerprint(w.sb, repo), fingerprint(w.sb, other)]).toEqual(before);
    });
  }

  it('make', () => {
    writeFileSync(join(w.sb.root, 'Makefile'), `tidy:\n\tcd ${repo} && git clean -fd\n`);
    const before = fingerprint(w.sb, repo);
    const result = w.agent(w.sb.root, 'make', ['-s', 'tidy']);
    expect(result.stderr).toMatch(/gitfence: denied /);
    expect(result.stderr).toMatch(/Error 42/);
    expect(fingerprint(w.sb, repo)).toBe(before);
  });

  it('repository aliases, plain and ! aliases that run git', () => {
    must(w.sb.git(repo, 'config', 'alias.nuke', 'reset --hard'));
    must(w.sb.git(repo, 'config', 'alias.wipe', '!git checkout -- . && git clean -fd'));
    const before = fingerprint(w.sb, repo);
    expectDenied(w.agent(repo, 'git', ['nuke']));
    expectDenied(w.agent(repo, 'git', ['wipe']));
    expect(fingerprint(w.sb, repo)).toBe(before);
  });

  it('records every denial in the audit log, with the agent', () => {
    const log = w.gitfence(repo, ['log', '--outcome', 'deny', '--json']);
    expect(log.code).toBe(0);
    const entries = log.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { agent: string; outcome: string; ruleIds: string[] });
    expect(entries.length).toBeGreaterThanOrEqual(10);
    expect(
      entries.every((e) => e.agent === 'agent-a' && e.outcome === 'deny' && e.ruleIds.length > 0),
    ).toBe(true);
  });
});

describe('everyday calls work as with raw git', () => {
  // Without an agent name: an agent holding no lock scope is refused `git status` by design (scopes).
  const human = { LLM_AGENT_NAME: undefined };
  it('status, log, diff and commit', () => {
    const raw = (...args: string[]) =>
      w.sb.run('/usr/bin/git', args, { cwd: repo, env: { GIT_CONFIG_GLOBAL: undefined } });
    for (const args of [
      ['status', '--porcelain'],
      ['status'],
      ['log', '--oneline'],
      ['log', '-1'],
      ['rev-parse', 'HEAD'],
      ['diff'],
    ]) {
      const shimmed = w.agent(repo, 'git', args, human);
      const direct = raw(...args);
      expect({ args, code: shimmed.code, out: shimmed.stdout }).toEqual({
        args,
        code: direct.code,
        out: direct.stdout,
      });
    }
    const commit = w.agent(
      repo,
      'git',
      ['commit', '-q', '-m', 'agent commit', '--', 'README.md'],
      human,
    );
    expect(commit.code, commit.stderr).toBe(0);
    expect(raw('log', '-1', '--format=%s').stdout).toBe('agent commit\n');
    expect(raw('status', '--porcelain').stdout).toBe('?? untracked.txt\n');
  });

  it("passes git's own exit code through unchanged", () => {
    const result = w.agent(repo, 'git', ['rev-parse', '--verify', '-q', 'no-such-ref']);
    expect(result.code).toBe(1);
    expect(w.agent(repo, 'git', ['no-such-command']).code).toBe(1);
  });
});

describe('break-glass without a terminal', () => {
  it('is refused with 42 and says a human at a terminal is needed', () => {
    const before = fingerprint(w.sb, repo);
    const result = w.agent(
      repo,
      'setsid',
      ['-w', 'git', 'reset', '--hard'],
      { GITFENCE_BREAKGLASS: '1' },
      '',
    );
    expect(result.code).toBe(42);
    expect(result.stderr).toMatch(/break-glass needs a human at a terminal/);
    expect(fingerprint(w.sb, repo)).toBe(before);
  });
});

describe('shim status', () => {
  it('lists every git on PATH, the shim first', () => {
    const status = w.gitfence(repo, ['shim', 'status', '--json'], w.agentEnv);
    expect(status.code).toBe(0);
    const parsed = JSON.parse(status.stdout) as {
      onPath: string;
      agentSession: boolean;
      gits: Array<{ shim: boolean }>;
    };
    expect(parsed.onPath).toBe('first');
    if (MODE === 'tarball')
      expect(status.stdout).toMatch(/node_modules\/gitfence\/bin\/gitfence\.js/);
    expect(parsed.agentSession).toBe(true);
    expect(parsed.gits[0]!.shim).toBe(true);
    expect(parsed.gits.some((g) => !g.shim)).toBe(true);
  });
});

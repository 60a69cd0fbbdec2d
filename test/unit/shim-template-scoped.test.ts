/**
 * The sh shim scoping an agent's `git status`/`git diff` itself from its scope file, run by dash
 * and by bash. Stand-ins for git and node print what they were asked, one argument a line.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderShimScript, SCOPED_FLAGS } from '../../src/shim/template.js';
import { compilePolicy } from '../../src/policy/compile.js';
import {
  compileFastPath,
  renderFastPath,
  renderFastPathData,
  type FastPathData,
} from '../../src/policy/fastpath.js';
import { presetLayer } from '../../src/policy/layers.js';
import { evaluate } from '../../src/evaluate/evaluate.js';
import { renderScopeFile } from '../../src/scopes/scope-file.js';
import type { LeaseRecord } from '../../src/scopes/types.js';

let root: string;
let shim: string;
let repo: string;
const SHELLS = ['/bin/dash', '/bin/bash'] as const;

function exe(path: string, text: string) {
  writeFileSync(path, text);
  chmodSync(path, 0o755);
}

const lease = (patterns: string[], expiresAt: number, owner = 'agent-a'): LeaseRecord => ({
  id: 'l-1',
  owner,
  patterns,
  exclusive: true,
  reason: '',
  token: 1,
  createdAt: 0,
  expiresAt,
});

const inAnHour = () => Date.now() + 3_600_000;

function scopeFile(agent: string, text: string | null) {
  const file = join(repo, '.git', 'gitfence', 'scopes', `${agent}.sh`);
  if (text === null) rmSync(file, { force: true });
  else writeFileSync(file, text);
}

const DEFAULT_FASTPATH: FastPathData = {
  pass: ['log'],
  guarded: [],
  guardedPrefixes: [],
  guardedShorts: [],
  keywords: [],
  autoScope: ['status', 'diff'],
  scopeFast: ['status', 'diff'],
  slowEnv: [],
};

function fastpath(data: Partial<FastPathData> = {}) {
  writeFileSync(
    join(repo, '.git', 'gitfence', 'fastpath.sh'),
    renderFastPathData({ ...DEFAULT_FASTPATH, ...data }, 'h'),
  );
}

function run(
  args: string[],
  options: { env?: Record<string, string>; sh?: string; cwd?: string } = {},
) {
  const cwd = options.cwd ?? repo;
  const result = spawnSync(options.sh ?? SHELLS[0], [shim, ...args], {
    cwd,
    env: { PATH: '/usr/bin:/bin', PWD: cwd, LLM_AGENT_NAME: 'agent-a', ...options.env },
    encoding: 'utf8',
  });
  return result.stdout.trim().split('\n');
}

const real = (...argv: string[]) => ['REAL', ...argv];
const isDelegated = (out: string[]) => out[0] === 'DELEGATE';

beforeAll(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'gitfence-shim-scoped-')));
  exe(
    join(root, 'real-git'),
    '#!/bin/sh\necho REAL\nfor a in "$@"; do printf "%s\\n" "$a"; done\n',
  );
  exe(join(root, 'node'), '#!/bin/sh\necho DELEGATE\n');
  mkdirSync(join(root, 'bin'));
  shim = join(root, 'bin', 'git');
  exe(
    shim,
    renderShimScript({
      realGit: join(root, 'real-git'),
      node: join(root, 'node'),
      cli: join(root, 'cli.js'),
      execShadow: join(root, 'shadow'),
    }),
  );
  repo = join(root, 'repo');
  mkdirSync(join(repo, '.git', 'gitfence', 'scopes'), { recursive: true });
  mkdirSync(join(repo, 'sub'), { recursive: true });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe.each(SHELLS)('scoped status/diff in the sh shim (%s)', (sh) => {
  beforeAll(() => {
    fastpath();
    scopeFile(
      'agent-a',
      renderScopeFile('agent-a', [lease(['src/a/**', "it's here/*"], inAnHour())]),
    );
  });

  it('appends the scope pathspecs, from any subdirectory, with every allowed flag', () => {
    const scoped = ['--', ':(top,glob)src/a/**', ":(top,glob)it's here/*"];
    expect(run(['status'], { sh })).toEqual(real('status', ...scoped));
    expect(run(['status', '--porcelain', '-b'], { sh, cwd: join(repo, 'sub') })).toEqual(
      real('status', '--porcelain', '-b', ...scoped),
    );
    expect(run(['diff', '--cached', '--stat'], { sh })).toEqual(
      real('diff', '--cached', '--stat', ...scoped),
    );
    for (const [sub, flags] of Object.entries(SCOPED_FLAGS))
      for (const flag of flags)
        expect(run([sub, flag], { sh })).toEqual(real(sub, flag, ...scoped));
  });

  it('delegates operands, a double dash, unknown or abbreviated flags and value-taking flags', () => {
    for (const args of [
      ['status', '--', 'docs'],
      ['status', 'docs'],
      ['status', '--porc'],
      ['status', '--untracked-files=bogus'],
      ['status', '--column'],
      ['status', '--stat'], // a diff flag, not a status one
      ['diff', 'HEAD~1'],
      ['diff', 'main', 'feature'],
      ['diff', '--output=/tmp/x'],
      ['diff', '--output', '/tmp/x'],
      ['diff', '-O/etc/order'],
      ['diff', '--no-index', 'a', 'b'],
      ['diff', '-U', '5'],
      ['diff', '--branch'], // a status flag, not a diff one
      ['status', '-s -- x'], // one word holding blanks
      ['status', '*'],
    ])
      expect(isDelegated(run(args, { sh })), args.join(' ')).toBe(true);
  });

  it('delegates without a plain agent name', () => {
    expect(isDelegated(run(['status'], { sh, env: { LLM_AGENT_NAME: '' } }))).toBe(true);
    for (const name of ['agent a', 'a/b', '../x', 'x*', '$(id)'])
      expect(isDelegated(run(['status'], { sh, env: { LLM_AGENT_NAME: name } })), name).toBe(true);
    const noName = spawnSync(sh, [shim, 'status'], {
      cwd: repo,
      env: { PATH: '/usr/bin:/bin', PWD: repo },
      encoding: 'utf8',
    });
    expect(noName.stdout.trim()).toBe('DELEGATE');
  });

  it('delegates without a scope file, with an expired one, or a damaged one', () => {
    expect(isDelegated(run(['status'], { sh, env: { LLM_AGENT_NAME: 'agent-b' } }))).toBe(true);
    scopeFile(
      'agent-b',
      renderScopeFile('agent-b', [lease(['b/**'], Date.now() - 1000, 'agent-b')]),
    );
    expect(isDelegated(run(['status'], { sh, env: { LLM_AGENT_NAME: 'agent-b' } }))).toBe(true);
    // expiring within the current second: not applied either
    scopeFile('agent-b', renderScopeFile('agent-b', [lease(['b/**'], Date.now() + 1, 'agent-b')]));
    expect(isDelegated(run(['status'], { sh, env: { LLM_AGENT_NAME: 'agent-b' } }))).toBe(true);
    for (const text of [
      "GF_SCOPE_PATHSPECS=':(top,glob)b/**'\n", // no expiry
      "GF_SCOPE_EXPIRES=soon\nGF_SCOPE_PATHSPECS=':(top,glob)b/**'\n",
      `GF_SCOPE_EXPIRES=${Math.floor(inAnHour() / 1000)}\n`, // no pathspecs
    ]) {
      scopeFile('agent-b', text);
      expect(isDelegated(run(['status'], { sh, env: { LLM_AGENT_NAME: 'agent-b' } })), text).toBe(
        true,
      );
    }
    scopeFile('agent-b', null);
  });

  it('ignores scope values from the environment', () => {
    const env = {
      LLM_AGENT_NAME: 'agent-c',
      GF_SCOPE_EXPIRES: '99999999999',
      GF_SCOPE_PATHSPECS: ':(top,glob)**',
      GF_SCOPE_FAST: 'status diff log',
    };
    expect(isDelegated(run(['status'], { sh, env }))).toBe(true);
  });

  it('ignores walk state from the environment', () => {
    const scoped = ['--', ':(top,glob)src/a/**', ":(top,glob)it's here/*"];
    // gf_top=1 would skip the walk from a subdirectory, gf_scoped point it elsewhere
    const env = { gf_top: '1', gf_scoped: join(root, 'elsewhere') };
    expect(run(['status'], { sh, cwd: join(repo, 'sub'), env })).toEqual(real('status', ...scoped));
    expect(run(['status'], { sh, env })).toEqual(real('status', ...scoped));
  });

  it('keeps every other fast-path condition', () => {
    expect(isDelegated(run(['-C', repo, 'status'], { sh }))).toBe(true);
    expect(isDelegated(run(['status'], { sh, env: { GIT_DIR: '/elsewhere' } }))).toBe(true);
    expect(isDelegated(run(['status'], { sh, env: { GITFENCE_BREAKGLASS: '1' } }))).toBe(true);
    fastpath({ keywords: ['porcelain'] });
    expect(isDelegated(run(['status', '--porcelain'], { sh }))).toBe(true);
    // with keywords, any option delegates: its canonical form is the evaluator's to know
    expect(isDelegated(run(['status', '-s'], { sh }))).toBe(true);
    expect(run(['status'], { sh })[0]).toBe('REAL');
    fastpath({ slowEnv: ['MY_VAR'] });
    expect(isDelegated(run(['status'], { sh, env: { MY_VAR: '' } }))).toBe(true);
    // not listed as safe by the compiler, or not auto-scoped: delegate
    fastpath({ scopeFast: [] });
    expect(isDelegated(run(['status'], { sh }))).toBe(true);
    fastpath({ autoScope: ['diff'] });
    expect(isDelegated(run(['status'], { sh }))).toBe(true);
    expect(run(['diff'], { sh })[0]).toBe('REAL');
    // listed as a plain pass too: still only ever scoped
    fastpath({ pass: ['log', 'status'] });
    expect(run(['status'], { sh })).toEqual(
      real('status', '--', ':(top,glob)src/a/**', ":(top,glob)it's here/*"),
    );
    fastpath();
  });
});

describe('compiled fast-path data', () => {
  it('opsGitSafety and precise let the shim scope status and diff itself', () => {
    for (const preset of ['opsGitSafety', 'precise'] as const) {
      const policy = compilePolicy([presetLayer(preset)]);
      expect(compileFastPath(policy).scopeFast, preset).toEqual(['status', 'diff']);
      expect(compileFastPath(policy).autoScope, preset).toEqual(['status', 'diff']);
      expect(renderFastPath(policy, 'sha256:x'), preset).toMatch(
        /^case \$1 in status\|diff\) GF_FAST=scoped ;; esac$/m,
      );
    }
  });

  it('a rule that could match status or diff, or a default deny, turns it off', () => {
    const withLayer = (policy: object) =>
      compileFastPath(
        compilePolicy([
          presetLayer('precise'),
          { layer: 'repository', display: 'gitfence.policy.ts', source: '', policy },
        ]),
      ).scopeFast.join(' ');
    expect(
      withLayer({
        rules: [{ id: 'no-diff', match: { subcommand: 'diff' }, action: 'deny', reason: 'x' }],
      }),
    ).toBe('status');
    expect(
      withLayer({
        rules: [{ id: 'any', match: { subcommand: '*' }, action: 'warn', reason: 'x' }],
      }),
    ).toBe('');
    expect(withLayer({ defaultAction: 'deny', allow: ['status'] })).toBe('status');
    expect(withLayer({ scopes: { autoScope: ['diff'] } })).toBe('diff');
  });
});

describe('the flags the shim scopes', () => {
  it('are each read by the evaluator as a plain call it rewrites the same way', () => {
    const patterns = ['src/a/**', 'docs/*.md'];
    const leases = [
      { id: 'l-1', owner: 'agent-a', patterns, exclusive: true, token: 1, expiresAt: 2e12 },
    ];
    for (const preset of ['opsGitSafety', 'precise'] as const) {
      const policy = compilePolicy([presetLayer(preset)]);
      for (const [sub, flags] of Object.entries(SCOPED_FLAGS)) {
        for (const flag of flags) {
          const decision = evaluate(policy, {
            kind: 'git',
            argv: [sub, flag],
            env: { LLM_AGENT_NAME: 'agent-a' },
            cwd: '/repo',
            agent: 'agent-a',
            facts: { aliases: {}, agentSession: true, tty: false, leases, refs: ['main'] },
          });
          expect(decision.invocation?.problems, `${preset}: ${sub} ${flag}`).toEqual([]);
          expect(decision.outcome, `${preset}: ${sub} ${flag}`).toBe('allow');
          expect(decision.matches.map((m) => m.ruleId)).toEqual(['gitfence/auto-scope']);
          expect(decision.rewrite?.argv).toEqual([
            sub,
            flag,
            '--',
            ...patterns.map((p) => `:(top,glob)${p}`),
          ]);
        }
      }
    }
  });
});

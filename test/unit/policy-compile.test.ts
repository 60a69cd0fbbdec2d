import { describe, expect, test } from 'vitest';
import { presets } from '../../policies/index.js';
import { formatError } from '../../src/errors.js';
import { compilePolicy, compilePolicyReport } from '../../src/policy/compile.js';
import {
  compileFastPath,
  compileGuarded,
  longStem,
  renderFastPath,
} from '../../src/policy/fastpath.js';
import { presetLayer, selectLayers, type SourceLayer } from '../../src/policy/layers.js';
import { mergeSettings } from '../../src/policy/merge.js';

const fileLayer = (layer: 'global' | 'repository', policy: unknown): SourceLayer => ({
  layer,
  file: `/x/${layer}.ts`,
  display: layer === 'repository' ? 'gitfence.policy.ts' : '/home/me/.gitfence/policy.ts',
  source: JSON.stringify(policy),
  policy,
});

const ids = (layers: SourceLayer[]) => compilePolicy(layers).rules.map((rule) => rule.id);

describe('layer selection', () => {
  test('the default preset is the base when no policy extends a preset', () => {
    const layers = selectLayers({
      repository: fileLayer('repository', { push: { protectedBranches: ['main'] } }),
    });
    expect(layers.map((l) => l.layer)).toEqual(['preset:opsGitSafety', 'repository']);
    expect(selectLayers({}).map((l) => l.layer)).toEqual(['preset:opsGitSafety']);
  });

  test('extending a preset (directly or through another policy) replaces the default', () => {
    const direct = fileLayer('repository', { extends: [presets.precise] });
    expect(selectLayers({ repository: direct }).map((l) => l.layer)).toEqual(['repository']);
    const nested = fileLayer('global', { extends: [{ extends: [presets.precise] }] });
    expect(selectLayers({ global: nested }).map((l) => l.layer)).toEqual(['global']);
  });

  test('precise allows what opsGitSafety blocks outright', () => {
    const precise = ids(
      selectLayers({ repository: fileLayer('repository', { extends: [presets.precise] }) }),
    );
    expect(precise).not.toContain('rollback/checkout');
    expect(precise).toContain('discard-worktree-changes');
    const ops = ids(selectLayers({}));
    for (const sub of ['restore', 'checkout', 'reset', 'clean', 'revert', 'switch', 'stash']) {
      expect(ops).toContain(`rollback/${sub}`);
    }
  });
});

describe('merge', () => {
  test('settings deep-merge; scalars: later wins; lists concatenate and dedupe', () => {
    expect(
      mergeSettings(
        { protectedBranches: ['main'], forcePush: 'deny', maxFileSize: '5MB' },
        { protectedBranches: ['main', 'release/*'], forcePush: 'warn' },
      ),
    ).toEqual({ protectedBranches: ['main', 'release/*'], forcePush: 'warn', maxFileSize: '5MB' });
  });

  test('a later layer keeps what an earlier one set unless it sets it itself (defaults never overwrite)', () => {
    const policy = compilePolicy([
      presetLayer('opsGitSafety'),
      fileLayer('global', { scopes: { defaultTtl: '1h' }, push: { protectedBranches: ['main'] } }),
      fileLayer('repository', {
        scopes: { commitCheck: 'warn' },
        push: { protectedBranches: ['release/*'] },
      }),
    ]);
    expect(policy.settings.scopes.defaultTtl).toBe('1h');
    expect(policy.settings.scopes.commitCheck).toBe('warn');
    expect(policy.settings.scopes.maxTtl).toBe('4h');
    expect(policy.settings.push.protectedBranches).toEqual(['main', 'release/*']);
  });

  test('rules with the same id are replaced in place; disableRules removes and is reported', () => {
    const report = compilePolicyReport([
      presetLayer('precise'),
      fileLayer('repository', {
        disableRules: ['delete-tag', 'no-such-rule'],
        rules: [
          {
            id: 'force-push',
            action: 'warn',
            reason: 'warn only here',
            match: { effect: 'force-push' },
          },
        ],
      }),
    ]);
    const rules = report.policy.rules;
    expect(rules.map((r) => r.id)).not.toContain('delete-tag');
    const force = rules.find((r) => r.id === 'force-push')!;
    expect(force.action).toBe('warn');
    expect(force.source).toEqual({
      layer: 'repository',
      file: '/x/repository.ts',
      path: 'rules[0]',
    });
    expect(rules.findIndex((r) => r.id === 'force-push')).toBe(3);
    expect(report.disabled).toEqual([
      { id: 'delete-tag', by: 'repository', found: true },
      { id: 'no-such-rule', by: 'repository', found: false },
    ]);
  });

  test('defaultAction: later wins; allow lists concatenate', () => {
    const policy = compilePolicy([
      presetLayer('opsGitSafety'),
      fileLayer('global', { defaultAction: 'deny', allow: ['status', 'log'] }),
      fileLayer('repository', { allow: ['log', 'diff'] }),
    ]);
    expect(policy.defaultAction).toBe('deny');
    expect(policy.allow).toEqual(['status', 'log', 'diff']);
  });
});

describe('flattening', () => {
  test('blocked subcommands, keywords and patterns become rules with their source paths', () => {
    const policy = compilePolicy([
      fileLayer('repository', {
        extends: [presets.precise],
        git: {
          blockedSubcommands: {
            rebase: { reason: 'no rebasing here', exempt: [{ anyOption: ['--abort'] }] },
          },
          denyIfContains: ['--no-verify'],
          denyPatterns: ['push .*--mirror'],
        },
      }),
    ]);
    const byId = new Map(policy.rules.map((rule) => [rule.id, rule]));
    expect(byId.get('blocked/rebase')).toMatchObject({
      action: 'deny',
      match: { subcommand: 'rebase' },
      unless: [{ anyOption: ['--abort'], subcommand: 'rebase' }],
      source: { layer: 'repository', path: 'git.blockedSubcommands.rebase' },
    });
    expect(byId.get('keyword:--no-verify')).toMatchObject({
      contains: '--no-verify',
      match: {},
      source: { path: 'git.denyIfContains[0]' },
    });
    expect(byId.get('pattern:push .*--mirror')).toMatchObject({
      pattern: 'push .*--mirror',
      source: { path: 'git.denyPatterns[0]' },
    });
    expect(byId.get('drop-stash')?.source).toEqual({ layer: 'preset:precise', path: 'rules[2]' });
  });

  test('preset ids name the blocked-subcommand rules; restore and checkout alert at maximum', () => {
    const policy = compilePolicy([presetLayer('opsGitSafety')]);
    const restore = policy.rules.find((r) => r.id === 'rollback/restore');
    expect(restore).toMatchObject({
      alert: 'maximum',
      source: { layer: 'preset:opsGitSafety', path: 'git.blockedSubcommands.restore' },
    });
    expect(policy.rules.find((r) => r.id === 'rollback/reset')?.alert).toBe('normal');
  });

  test('a regex that does not compile is an error naming its path', () => {
    const formatted = (fn: () => unknown): string => {
      try {
        fn();
      } catch (error) {
        return formatError(error);
      }
      return 'no error';
    };
    expect(
      formatted(() =>
        compilePolicy([fileLayer('repository', { git: { denyPatterns: ['ok', '(unclosed'] } })]),
      ),
    ).toMatch(
      /gitfence\.policy\.ts › git\.denyPatterns\[1\]: expected a valid regular expression, got "\(unclosed"/,
    );
    expect(
      formatted(() =>
        compilePolicy([
          fileLayer('repository', {
            rules: [
              { id: 'x', reason: 'r', match: { subcommand: 'log' }, unless: [{ operand: '[' }] },
            ],
          }),
        ]),
      ),
    ).toMatch(/› rules\[0\]\.unless\[0\]\.operand: expected a valid regular expression/);
  });

  test('sourceHash covers every layer source; settings resolve with defaults', () => {
    const a = compilePolicy([presetLayer('opsGitSafety')]);
    const b = compilePolicy([presetLayer('opsGitSafety'), fileLayer('repository', { name: 'x' })]);
    expect(a.sourceHash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.sourceHash).not.toBe(b.sourceHash);
    expect(a.settings.scopes).toEqual({
      defaultTtl: '30m',
      maxTtl: '4h',
      autoScope: ['status', 'diff'],
      commitCheck: 'deny',
      saveAll: 'deny',
    });
    expect(a.format).toBe('gitfence/compiled-policy@1');
  });

  test('custom checks are recorded with their stage and source', () => {
    const policy = compilePolicy([
      fileLayer('repository', {
        extends: [presets.precise],
        push: { checks: [{ id: 'no-todo', severity: 'warn', run: () => undefined }] },
        commit: { checks: [{ id: 'small', run: () => undefined }] },
      }),
    ]);
    expect(policy.checks).toEqual([
      {
        id: 'no-todo',
        severity: 'warn',
        stage: 'push',
        source: { layer: 'repository', file: '/x/repository.ts', path: 'push.checks[0]' },
      },
      {
        id: 'small',
        severity: 'error',
        stage: 'commit',
        source: { layer: 'repository', file: '/x/repository.ts', path: 'commit.checks[0]' },
      },
    ]);
  });
});

describe('examples', () => {
  test('both presets compile: every example holds against the real evaluator', () => {
    expect(compilePolicyReport([presetLayer('precise')]).examples).toBeGreaterThan(80);
    expect(compilePolicyReport([presetLayer('opsGitSafety')]).examples).toBeGreaterThan(100);
  });

  test('a match example that does not match fails naming the rule, the example and where it is defined', () => {
    const layer = fileLayer('repository', {
      extends: [presets.precise],
      rules: [
        {
          id: 'no-rebase',
          reason: 'r',
          match: { subcommand: 'rebase' },
          examples: { match: ['merge main'] },
        },
      ],
    });
    expect(() => compilePolicy([layer])).toThrow(
      expect.objectContaining({
        code: 'POLICY_EXAMPLE_FAILED',
        message: 'rule "no-rebase": example `git merge main` should match, got no match',
        details: expect.objectContaining({ where: 'gitfence.policy.ts › rules[0]' }),
      }),
    );
  });

  test('a notMatch example that matches fails too; every failure is listed', () => {
    const layer = fileLayer('repository', {
      extends: [presets.precise],
      rules: [
        {
          id: 'no-rebase',
          reason: 'r',
          match: { subcommand: 'rebase' },
          examples: { notMatch: ['rebase main', 'rebase -i HEAD~2'] },
        },
      ],
    });
    expect(() => compilePolicy([layer])).toThrow(
      /2 examples failed:\n.*rebase main.*should not match, got it matched\n.*rebase -i HEAD~2/,
    );
  });
});

describe('fast path', () => {
  test('read-only builtins pass unless a rule, auto-scoping or a path guard can touch them', () => {
    const ops = compilePolicy([presetLayer('opsGitSafety')]);
    const data = compileFastPath(ops);
    expect(data.pass).toContain('rev-parse');
    expect(data.pass).toContain('cat-file');
    for (const sub of ['status', 'diff', 'branch', 'tag', 'config', 'log'])
      expect(data.pass).not.toContain(sub);
    expect(data.autoScope).toEqual(['status', 'diff']);
  });

  test('path guards move log and show to guarded passes, with every spelling of their file options', () => {
    const ops = compilePolicy([presetLayer('opsGitSafety')]);
    const data = compileFastPath(ops);
    expect(data.guarded).toEqual(['log', 'show']);
    // --output (writes), --orderfile and -O (read a path), --ou the stem of every abbreviation
    for (const prefix of ['--ou', '--or', '-O']) expect(data.guardedPrefixes).toContain(prefix);
    expect(data.guardedShorts).toEqual(['O']);
    const startsGuarded = (arg: string) => data.guardedPrefixes.some((p) => arg.startsWith(p));
    for (const arg of ['--output=/tmp/x', '--outp=/tmp/x', '--ou', '--output', '--orderf=x', '-Ox'])
      expect(startsGuarded(arg), arg).toBe(true);
    for (const arg of ['-1', '--oneline', '-5', 'HEAD', '--stat', '-p', '--format=%H'])
      expect(startsGuarded(arg), arg).toBe(false);
    const rendered = renderFastPath(ops, 'sha256:x');
    expect(rendered).toContain(
      "case $1 in log|show) for gf_a; do case $gf_a in '--or'*|'--ou'*|'-O'*|-[!-]*'O'*) return ;; esac; done; GF_FAST=pass; return ;; esac",
    );
  });

  test('every stem is a prefix of its option and of no other option it could be confused with', () => {
    expect(longStem('output', ['oneline', 'output', 'orderfile'])).toBe('--ou');
    expect(longStem('orderfile', ['oneline', 'output', 'orderfile'])).toBe('--or');
    // an option that is a prefix of another is matched by its full name
    expect(longStem('out', ['out', 'output'])).toBe('--out');
    const guarded = compileGuarded('log');
    expect(guarded.prefixes).toContain('--ou');
  });

  test('guarded passes only while path guards are on, and never for a subcommand a rule can match', () => {
    const noGuard = compilePolicy([
      fileLayer('repository', { extends: [presets.opsGitSafety], paths: { guard: false } }),
    ]);
    const open = compileFastPath(noGuard);
    expect(open.pass).toContain('log');
    expect(open.guarded).toEqual([]);
    const logRule = compilePolicy([
      fileLayer('repository', {
        extends: [presets.opsGitSafety],
        rules: [{ id: 'no-log', reason: 'r', match: { subcommand: 'log' } }],
      }),
    ]);
    const ruled = compileFastPath(logRule);
    expect(ruled.guarded).toEqual(['show']);
    expect(ruled.pass).not.toContain('log');
    const autoShow = compilePolicy([
      fileLayer('repository', { extends: [presets.opsGitSafety], scopes: { autoScope: ['show'] } }),
    ]);
    expect(compileFastPath(autoShow).guarded).toEqual(['log']);
  });

  test('GF_SLOW_ENV lists only what a rule reads beyond the variables every shim checks itself', () => {
    const ops = compilePolicy([presetLayer('opsGitSafety')]);
    expect(compileFastPath(ops).slowEnv).toEqual([]);
    const envRule = compilePolicy([
      fileLayer('repository', {
        extends: [presets.precise],
        rules: [
          {
            id: 'ci',
            reason: 'r',
            match: { subcommand: 'push', env: { CI: true, GIT_DIR: true } },
          },
        ],
      }),
    ]);
    expect(compileFastPath(envRule).slowEnv).toEqual(['CI']);
  });

  test('a pattern rule or a rule without any subcommand constraint empties the list; keywords are listed', () => {
    const withPattern = compilePolicy([
      fileLayer('repository', { extends: [presets.precise], git: { denyPatterns: ['x'] } }),
    ]);
    expect(compileFastPath(withPattern).pass).toEqual([]);
    expect(compileFastPath(withPattern).guarded).toEqual([]);
    const anyCall = compilePolicy([
      fileLayer('repository', {
        extends: [presets.precise],
        rules: [{ id: 'bot', reason: 'r', match: { agent: 'bot' } }],
      }),
    ]);
    expect(compileFastPath(anyCall).pass).toEqual([]);
    const keywords = compilePolicy([
      fileLayer('repository', {
        extends: [presets.precise],
        git: { denyIfContains: ['no verify', 'a*b'] },
      }),
    ]);
    expect(compileFastPath(keywords).keywords).toEqual(['no verify', 'a*b']);
    // every word, literally; and any option, whose canonical form only the evaluator knows
    expect(renderFastPath(keywords, 'sha256:x')).toContain(
      `for gf_a; do case $gf_a in -*|*'no'*|*'verify'*|*'a*b'*) return ;; esac; done`,
    );
    // a keyword holding a quote could match the quoting the evaluator adds: nothing passes
    const quoted = compilePolicy([
      fileLayer('repository', { extends: [presets.precise], git: { denyIfContains: ["it's"] } }),
    ]);
    expect(renderFastPath(quoted, 'sha256:x')).toMatch(/\nreturn\n$/);
    expect(renderFastPath(quoted, 'sha256:x')).not.toContain('GF_FAST=pass');
  });

  test('defaultAction deny passes only allowlisted subcommands', () => {
    const policy = compilePolicy([
      fileLayer('repository', {
        extends: [presets.precise],
        defaultAction: 'deny',
        allow: ['rev-parse', 'stash list'],
      }),
    ]);
    expect(compileFastPath(policy).pass).toEqual(['rev-parse']);
  });
});

import { describe, expect, it } from 'vitest';
import { evaluateInvocation } from '../../src/evaluate/git-invocation.js';
import { failClosedDecision } from '../../src/evaluate/decision.js';
import { globToRegex, matchSpec } from '../../src/evaluate/match.js';
import { classifyRevision, pathOperands } from '../../src/evaluate/operands.js';
import type { GitInvocation } from '../../src/git/invocation.js';
import type { CompiledPolicy, GitRequest } from '../../src/evaluate/types.js';
import { invocation, option, policy, request, rule } from './evaluate-fixtures.js';

const ctx = { agent: null, env: {} };

function decide(p: CompiledPolicy, inv: GitInvocation, req: Partial<GitRequest> = {}) {
  return evaluateInvocation(p, {
    invocation: inv,
    normalize: (i) => ['git', ...i.raw].join(' '),
    request: request([...inv.raw], req),
  });
}

const hardReset = invocation({
  raw: ['reset', '--har'],
  typed: 'reset',
  subcommand: 'reset',
  options: [option('--hard', '--har')],
  effects: ['discard-worktree-changes'],
});

describe('matchSpec', () => {
  it('matches subcommand, option with what was typed, and effect', () => {
    expect(
      matchSpec(
        { subcommand: 'reset', anyOption: ['--hard'], effect: 'discard-worktree-changes' },
        hardReset,
        ctx,
      ),
    ).toEqual([
      'subcommand reset',
      'option --hard (typed --har)',
      'effect discard-worktree-changes',
    ]);
  });

  it('"*" matches any subcommand; a list matches any element', () => {
    expect(matchSpec({ subcommand: '*' }, hardReset, ctx)).toEqual([]);
    expect(matchSpec({ subcommand: ['clean', 'reset'] }, hardReset, ctx)).not.toBeNull();
    expect(matchSpec({ subcommand: 'clean' }, hardReset, ctx)).toBeNull();
  });

  it('counts an ambiguous option as each of its candidates', () => {
    const inv = invocation({
      subcommand: 'push',
      options: [option('--f', '--f', { candidates: ['--force', '--follow-tags'] })],
    });
    expect(matchSpec({ anyOption: ['--force'] }, inv, ctx)).toEqual([
      'option --force (ambiguous: --force, --follow-tags)',
    ]);
    expect(matchSpec({ noOption: ['--follow-tags'] }, inv, ctx)).toBeNull();
  });

  it('allOptions needs every option, noOption none of them', () => {
    const inv = invocation({
      subcommand: 'branch',
      options: [option('--delete', '-d'), option('--force', '-f')],
    });
    expect(matchSpec({ allOptions: ['--delete', '--force'] }, inv, ctx)).toEqual([
      'option --delete (typed -d)',
      'option --force (typed -f)',
    ]);
    expect(matchSpec({ allOptions: ['--delete', '--move'] }, inv, ctx)).toBeNull();
    expect(matchSpec({ noOption: ['--cached'] }, inv, ctx)).toEqual(['without --cached']);
  });

  it('reads the verb as the first operand', () => {
    const inv = invocation({ subcommand: 'stash', operands: ['drop', 'stash@{0}'] });
    expect(matchSpec({ subcommand: 'stash', verb: ['drop', 'clear'] }, inv, ctx)).toEqual([
      'subcommand stash',
      'verb drop',
    ]);
    expect(matchSpec({ verb: 'list' }, inv, ctx)).toBeNull();
  });

  it('matches operands by regex, env and per-call config', () => {
    const inv = invocation({
      subcommand: 'push',
      operands: ['origin', '+main'],
      config: [{ key: 'core.hookspath', value: '/dev/null', source: 'command-line' }],
      env: { HUSKY: '0' },
    });
    expect(matchSpec({ operand: '^\\+' }, inv, ctx)).toEqual(['operand +main']);
    expect(matchSpec({ env: { HUSKY: '0' } }, inv, ctx)).toEqual(['env HUSKY=0']);
    expect(matchSpec({ env: { HUSKY: '1' } }, inv, ctx)).toBeNull();
    expect(matchSpec({ env: { GIT_DIR: true } }, inv, { ...ctx, env: { GIT_DIR: '/x' } })).toEqual([
      'env GIT_DIR=/x',
    ]);
    expect(matchSpec({ config: { 'core.hooksPath': true } }, inv, ctx)).toEqual([
      'config core.hooksPath=/dev/null',
    ]);
  });

  it('matches agents by glob, and null for calls without an agent', () => {
    const inv = invocation({ subcommand: 'status' });
    expect(matchSpec({ agent: 'claude-*' }, inv, { ...ctx, agent: 'claude-2' })).toEqual([
      'agent claude-2',
    ]);
    expect(
      matchSpec({ agent: ['codex', 'gem{ini,ma}'] }, inv, { ...ctx, agent: 'gemma' }),
    ).not.toBeNull();
    expect(matchSpec({ agent: '*' }, inv, ctx)).toBeNull();
    expect(matchSpec({ agent: null }, inv, ctx)).toEqual(['no agent']);
    expect(matchSpec({ agent: null }, inv, { ...ctx, agent: 'x' })).toBeNull();
  });

  it('describes alias expansion', () => {
    const inv = invocation({
      typed: 'nuke',
      subcommand: 'reset',
      aliasChain: ['nuke'],
      options: [option('--hard')],
    });
    expect(matchSpec({ subcommand: 'reset', anyOption: ['--hard'] }, inv, ctx)).toEqual([
      'alias nuke → reset',
      'option --hard',
    ]);
  });

  it('pathspec: true when the call names paths', () => {
    const dot = invocation({ subcommand: 'checkout', operands: ['.'] });
    const branch = invocation({ subcommand: 'checkout', operands: ['main'] });
    expect(matchSpec({ pathspec: true }, dot, ctx)).toEqual(['pathspec .']);
    expect(matchSpec({ pathspec: false }, branch, { ...ctx, refs: ['main'] })).toEqual([
      'no pathspec',
    ]);
  });
});

describe('globToRegex', () => {
  it.each([
    ['claude-*', 'claude-1', true],
    ['claude-*', 'codex', false],
    ['a?c', 'abc', true],
    ['{x,y}z', 'yz', true],
    ['[ab]1', 'b1', true],
    ['a.b', 'axb', false],
  ])('%s vs %s → %s', (glob, name, expected) => {
    expect(globToRegex(glob).test(name)).toBe(expected);
  });
});

describe('operands: revisions and paths', () => {
  it.each([
    ['HEAD~1', undefined, true],
    ['a..b', undefined, true],
    ['deadbeef', undefined, true],
    ['main', ['main'], true],
    ['main', undefined, null],
    ['src/a.ts', ['main'], false],
    ['.', undefined, false],
    [':(glob)x', undefined, false],
    ['HEAD:file', undefined, true],
  ] as const)('%s (refs %j) → %s', (word, refs, expected) => {
    expect(classifyRevision(word, refs)).toBe(expected);
  });

  it('diff leans to revisions when unsure; checkout takes one revision then paths', () => {
    const diff = invocation({ subcommand: 'diff', operands: ['main', 'feature'] });
    expect(pathOperands(diff, undefined, 'revision')).toEqual([]);
    expect(pathOperands(diff, undefined, 'path')).toEqual(['main', 'feature']);
    const checkout = invocation({ subcommand: 'checkout', operands: ['main', 'file'] });
    expect(pathOperands(checkout, ['main'])).toEqual(['file']);
    const status = invocation({ subcommand: 'status', operands: ['docs'] });
    expect(pathOperands(status)).toEqual(['docs']);
  });
});

describe('evaluateInvocation', () => {
  const p = policy({
    rules: [
      rule('no-hard-reset', { subcommand: 'reset', anyOption: ['--hard'] }, { alert: 'maximum' }),
      rule('no-reset', { subcommand: 'reset' }, { instead: 'commit first' }),
      rule('warn-reset', { subcommand: 'reset' }, { action: 'warn' }),
      rule('no-verify', {}, { contains: '--no-verify' }),
      rule('no-plus-push', { subcommand: 'push' }, { pattern: 'push \\S+ \\+' }),
      rule('no-clean', { subcommand: 'clean' }, { unless: [{ anyOption: ['--dry-run'] }] }),
    ],
  });

  it('records every match, deny wins, and the loudest alert is kept', () => {
    expect(decide(p, hardReset)).toEqual({
      outcome: 'deny',
      alert: 'maximum',
      matches: [
        {
          ruleId: 'no-hard-reset',
          outcome: 'deny',
          reason: 'no-hard-reset reason',
          alert: 'maximum',
          source: { layer: 'repository', file: 'gitfence.policy.ts', path: 'rules.no-hard-reset' },
          detail: 'subcommand reset; option --hard (typed --har)',
        },
        {
          ruleId: 'no-reset',
          outcome: 'deny',
          reason: 'no-reset reason',
          instead: 'commit first',
          alert: 'normal',
          source: { layer: 'repository', file: 'gitfence.policy.ts', path: 'rules.no-reset' },
          detail: 'subcommand reset',
        },
        {
          ruleId: 'warn-reset',
          outcome: 'warn',
          reason: 'warn-reset reason',
          alert: 'normal',
          source: { layer: 'repository', file: 'gitfence.policy.ts', path: 'rules.warn-reset' },
          detail: 'subcommand reset',
        },
      ],
      warnings: ['warn-reset: warn-reset reason'],
      invocation: {
        subcommand: 'reset',
        typed: 'reset',
        aliasChain: [],
        effects: ['discard-worktree-changes'],
        problems: [],
        options: ['--hard'],
      },
    });
  });

  it('tests keywords and patterns against the normalised invocation', () => {
    const commit = invocation({ raw: ['commit', '--no-verify'], subcommand: 'commit' });
    expect(decide(p, commit).matches.map((m) => [m.ruleId, m.detail])).toEqual([
      ['no-verify', 'contains "--no-verify"'],
    ]);
    const push = invocation({ raw: ['push', 'origin', '+main'], subcommand: 'push' });
    expect(decide(p, push).matches[0]?.detail).toBe(
      'subcommand push; pattern /push \\S+ \\+/ (matched "push origin +")',
    );
  });

  it('honours exemptions', () => {
    const dry = invocation({ subcommand: 'clean', options: [option('--dry-run', '-n')] });
    expect(decide(p, dry).outcome).toBe('allow');
    const force = invocation({ subcommand: 'clean', options: [option('--force', '-f')] });
    expect(decide(p, force).outcome).toBe('deny');
  });

  it('denies what it cannot read', () => {
    const d = decide(p, invocation({ subcommand: 'log', problems: ['unknown option --frob'] }));
    expect(d.outcome).toBe('deny');
    expect(d.matches[0]).toMatchObject({
      ruleId: 'gitfence/unparseable',
      source: { layer: 'builtin' },
      detail: 'unknown option --frob',
    });
  });

  it('guards path options against the allowed roots', () => {
    const inv = invocation({
      subcommand: 'status',
      paths: [{ option: '-C', value: '../other', resolved: '/other' }],
    });
    const out = decide(p, inv, { facts: { allowedRoots: ['/repo', '/repo-wt'] } });
    expect(out.outcome).toBe('deny');
    expect(out.matches[0]).toMatchObject({
      ruleId: 'gitfence/path-guard',
      detail: '-C ../other → /other (outside)',
    });
    const inside = invocation({
      subcommand: 'status',
      paths: [{ option: '-C', value: 'sub', resolved: '/repo-wt/sub' }],
    });
    expect(decide(p, inside, { facts: { allowedRoots: ['/repo', '/repo-wt'] } }).outcome).toBe(
      'allow',
    );
    // /repo-other is not inside /repo
    const sibling = invocation({
      subcommand: 'status',
      paths: [{ option: '--git-dir', value: '/repo-other/.git', resolved: '/repo-other/.git' }],
    });
    expect(decide(p, sibling, { facts: { allowedRoots: ['/repo'] } }).outcome).toBe('deny');
    const off = policy({ settings: { ...p.settings, paths: { allowedRoots: [], guard: false } } });
    expect(decide(off, sibling, { facts: { allowedRoots: ['/repo'] } }).outcome).toBe('allow');
  });

  it('default deny: deny checks first, then the allowlist (subcommand or subcommand + verb)', () => {
    const strict = policy({
      defaultAction: 'deny',
      allow: ['status', 'stash list', 'reset'],
      rules: [rule('no-hard-reset', { subcommand: 'reset', anyOption: ['--hard'] })],
    });
    expect(decide(strict, invocation({ subcommand: 'status' })).outcome).toBe('allow');
    expect(decide(strict, invocation({ subcommand: 'stash', operands: ['list'] })).outcome).toBe(
      'allow',
    );
    const drop = decide(strict, invocation({ subcommand: 'stash', operands: ['drop'] }));
    expect(drop.matches.map((m) => m.ruleId)).toEqual(['gitfence/default-deny']);
    expect(drop.outcome).toBe('deny');
    // allowlisted, but a deny rule runs first
    expect(decide(strict, hardReset).matches.map((m) => m.ruleId)).toEqual(['no-hard-reset']);
    // an allow rule lets a call through a default deny
    const withAllowRule = policy({
      ...strict,
      rules: [rule('allow-log', { subcommand: 'log' }, { action: 'allow' })],
    });
    expect(decide(withAllowRule, invocation({ subcommand: 'log' })).outcome).toBe('allow');
  });
});

describe('auto-scoping', () => {
  const p = policy();
  const status = invocation({ raw: ['status', '--porcelain'], subcommand: 'status' });
  const lease = (owner: string, patterns: string[]) => ({
    id: `${owner}-1`,
    owner,
    patterns,
    exclusive: true,
    token: 1,
    expiresAt: 0,
  });

  it('rewrites an agent status to its lock scopes', () => {
    const d = decide(p, status, {
      agent: 'a',
      facts: { leases: [lease('a', ['src/a/**', 'docs/a.md']), lease('b', ['src/b/**'])] },
    });
    expect(d.outcome).toBe('allow');
    expect(d.rewrite).toEqual({
      argv: ['status', '--porcelain', '--', ':(top,glob)src/a/**', ':(top,glob)docs/a.md'],
      reason: "scoped to a's lock scopes: src/a/**, docs/a.md",
    });
    expect(d.matches.map((m) => m.ruleId)).toEqual(['gitfence/auto-scope']);
  });

  it('denies with the exact command when the agent has no lease or no name', () => {
    const noLease = decide(p, status, { agent: 'a', facts: { leases: [lease('b', ['x/**'])] } });
    expect(noLease.outcome).toBe('deny');
    expect(noLease.matches[0]?.ruleId).toBe('gitfence/scope-required');
    expect(noLease.matches[0]?.instead).toContain(
      "LLM_AGENT_NAME=a gitfence lock acquire '<glob>'",
    );
    const anonymous = decide(p, status, { facts: { agentSession: true } });
    expect(anonymous.outcome).toBe('deny');
    expect(anonymous.matches[0]?.instead).toContain('gitfence lock acquire');
  });

  it('leaves explicit pathspecs and non-agent calls alone, and does not take revisions for paths', () => {
    expect(decide(p, status).matches).toEqual([]);
    const explicit = invocation({ subcommand: 'status', pathspecs: ['docs'], doubleDash: true });
    expect(decide(p, explicit, { agent: 'a' }).rewrite).toBeUndefined();
    expect(decide(p, explicit, { agent: 'a' }).outcome).toBe('allow');
    const diff = invocation({ raw: ['diff', 'HEAD~1'], subcommand: 'diff', operands: ['HEAD~1'] });
    expect(
      decide(p, diff, { agent: 'a', facts: { leases: [lease('a', ['src/a/**'])] } }).rewrite?.argv,
    ).toEqual(['diff', 'HEAD~1', '--', ':(top,glob)src/a/**']);
    const diffFile = invocation({ subcommand: 'diff', operands: ['README.md'] });
    expect(decide(p, diffFile, { agent: 'a', facts: { refs: ['main'] } }).outcome).toBe('allow');
  });
});

describe('failClosedDecision', () => {
  it('is a builtin denial', () => {
    expect(
      failClosedDecision('gitfence/policy-not-compiled', 'no policy', 'run gitfence compile'),
    ).toEqual({
      outcome: 'deny',
      alert: 'normal',
      matches: [
        {
          ruleId: 'gitfence/policy-not-compiled',
          outcome: 'deny',
          reason: 'no policy',
          instead: 'run gitfence compile',
          alert: 'normal',
          source: { layer: 'builtin', path: 'policy-not-compiled' },
        },
      ],
      warnings: [],
    });
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateInvocation } from '../../src/evaluate/git-invocation.js';
import type { CompiledPolicy, CompiledRule, Facts } from '../../src/evaluate/types.js';
import { EFFECTS, type GitInvocation } from '../../src/git/invocation.js';
import type { MatchSpec } from '../../src/policy/schema.js';
import { invocation, option, policy, request } from '../unit/evaluate-fixtures.js';

const SUBS = ['status', 'diff', 'reset', 'checkout', 'push', 'stash', 'clean', 'commit'];
const OPTS: `-${string}`[] = [
  '--hard',
  '--force',
  '-D',
  '--cached',
  '--dry-run',
  '--no-verify',
  '--staged',
];
const WORDS = ['.', 'main', 'HEAD~1', 'src/a.ts', 'drop', 'list', '+main', 'origin'];

const arbInvocation: fc.Arbitrary<GitInvocation> = fc
  .record({
    subcommand: fc.option(fc.constantFrom(...SUBS), { nil: null }),
    options: fc.uniqueArray(fc.constantFrom(...OPTS), { maxLength: 3 }),
    operands: fc.array(fc.constantFrom(...WORDS), { maxLength: 3 }),
    pathspecs: fc.array(fc.constantFrom(...WORDS), { maxLength: 2 }),
    effects: fc.uniqueArray(fc.constantFrom(...EFFECTS), { maxLength: 2 }),
    env: fc.dictionary(fc.constantFrom('HUSKY', 'GIT_DIR'), fc.constantFrom('0', '1')),
    problems: fc.array(fc.constant('unknown option'), { maxLength: 1 }),
    paths: fc.array(
      fc.constantFrom('/repo/sub', '/elsewhere').map((resolved) => ({
        option: '-C',
        value: resolved,
        resolved,
      })),
      { maxLength: 1 },
    ),
  })
  .map((parts) =>
    invocation({
      ...parts,
      typed: parts.subcommand,
      raw: [parts.subcommand ?? '', ...parts.options, ...parts.operands],
      doubleDash: parts.pathspecs.length > 0,
      options: parts.options.map((name) => option(name)),
    }),
  );

const arbMatch = fc.record(
  {
    subcommand: fc.oneof(
      fc.constantFrom(...SUBS, '*'),
      fc.array(fc.constantFrom(...SUBS), { minLength: 1, maxLength: 2 }),
    ),
    verb: fc.constantFrom('drop', 'list'),
    anyOption: fc.array(fc.constantFrom(...OPTS), { minLength: 1, maxLength: 2 }),
    allOptions: fc.array(fc.constantFrom(...OPTS), { minLength: 1, maxLength: 2 }),
    noOption: fc.array(fc.constantFrom(...OPTS), { minLength: 1, maxLength: 2 }),
    effect: fc.constantFrom(...EFFECTS),
    pathspec: fc.boolean(),
    operand: fc.constantFrom('^\\+', '^\\.$', 'HEAD'),
    env: fc.constantFrom({ HUSKY: '0' as const }, { GIT_DIR: true as const }),
    agent: fc.oneof(fc.constant(null), fc.constantFrom('claude-*', '*', 'codex')),
  },
  { requiredKeys: [] },
) as fc.Arbitrary<MatchSpec>;

const arbRule: fc.Arbitrary<CompiledRule> = fc
  .record({
    id: fc.constantFrom('r1', 'r2', 'r3', 'r4'),
    action: fc.constantFrom('deny' as const, 'warn' as const, 'allow' as const),
    alert: fc.constantFrom('normal' as const, 'maximum' as const),
    match: arbMatch,
    unless: fc.array(arbMatch, { maxLength: 2 }),
    contains: fc.option(fc.constantFrom('--force', 'reset'), { nil: undefined }),
  })
  .map((r) => {
    const compiled: CompiledRule = {
      ...r,
      reason: `${r.id} reason`,
      source: { layer: 'repository', path: `rules.${r.id}` },
    };
    if (r.contains === undefined) delete compiled.contains;
    return compiled;
  });

const arbPolicy: fc.Arbitrary<CompiledPolicy> = fc
  .record({
    defaultAction: fc.constantFrom('allow' as const, 'deny' as const),
    allow: fc.uniqueArray(fc.constantFrom('status', 'diff', 'stash list', 'commit'), {
      maxLength: 3,
    }),
    rules: fc.array(arbRule, { maxLength: 6 }),
  })
  .map((parts) => policy(parts));

const arbFacts: fc.Arbitrary<Facts> = fc.record(
  {
    allowedRoots: fc.constant(['/repo']),
    refs: fc.constant(['main']),
    agentSession: fc.boolean(),
    leases: fc.constant([
      { id: 'l', owner: 'claude-1', patterns: ['src/**'], exclusive: true, token: 1, expiresAt: 0 },
    ]),
  },
  { requiredKeys: [] },
);

const arbAgent = fc.constantFrom(null, 'claude-1', 'codex');

function decide(p: CompiledPolicy, inv: GitInvocation, agent: string | null, facts: Facts) {
  return evaluateInvocation(p, {
    invocation: inv,
    normalize: (i) => ['git', ...i.raw].join(' '),
    request: request([...inv.raw], { agent, facts }),
  });
}

describe('evaluator properties', () => {
  it('is deterministic: the same input gives the same Decision', () => {
    fc.assert(
      fc.property(arbPolicy, arbInvocation, arbAgent, arbFacts, (p, inv, agent, facts) => {
        const first = decide(p, inv, agent, facts);
        const again = decide(
          structuredClone(p),
          structuredClone(inv),
          agent,
          structuredClone(facts),
        );
        expect(again).toEqual(first);
      }),
      { numRuns: 500 },
    );
  });

  it('adding a deny rule never turns a deny into an allow', () => {
    fc.assert(
      fc.property(
        arbPolicy,
        arbRule,
        fc.nat(),
        arbInvocation,
        arbAgent,
        arbFacts,
        (p, extra, at, inv, agent, facts) => {
          const before = decide(p, inv, agent, facts);
          const rules = [...p.rules];
          rules.splice(at % (rules.length + 1), 0, { ...extra, action: 'deny' });
          const after = decide({ ...p, rules }, inv, agent, facts);
          if (before.outcome === 'deny') expect(after.outcome).toBe('deny');
          // and the alert never gets quieter
          if (before.alert === 'maximum') expect(after.alert).toBe('maximum');
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('every deny decision names at least one deny match; every allow names none', () => {
    fc.assert(
      fc.property(arbPolicy, arbInvocation, arbAgent, arbFacts, (p, inv, agent, facts) => {
        const d = decide(p, inv, agent, facts);
        const denials = d.matches.filter((m) => m.outcome === 'deny');
        expect(d.outcome === 'deny').toBe(denials.length > 0);
        expect(d.alert === 'none').toBe(d.outcome === 'allow');
      }),
      { numRuns: 500 },
    );
  });
});

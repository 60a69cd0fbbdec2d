import { describe, expectTypeOf, test } from 'vitest';
import { presets } from '../../policies/index.js';
import { definePolicy, type Policy } from '../../src/policy/define.js';
import type { CheckContext, CheckResult, RuleInput } from '../../src/policy/schema.js';

describe('what a policy author can write', () => {
  test('definePolicy takes and returns a Policy', () => {
    expectTypeOf(definePolicy).parameter(0).toEqualTypeOf<Policy>();
    expectTypeOf(definePolicy({})).toEqualTypeOf<Policy>();
  });

  test('a rule action is only deny | warn | allow', () => {
    expectTypeOf<NonNullable<RuleInput['action']>>().toEqualTypeOf<'deny' | 'warn' | 'allow'>();
    // @ts-expect-error 'block' is not an action
    definePolicy({ rules: [{ id: 'x', reason: 'r', action: 'block', match: {} }] });
  });

  test('unknown keys in object literals are type errors, at every depth', () => {
    // @ts-expect-error unknown top-level key
    definePolicy({ rulez: [] });
    // @ts-expect-error unknown key in push settings
    definePolicy({ push: { protectedBranch: ['main'] } });
    // @ts-expect-error unknown key in a match
    definePolicy({ rules: [{ id: 'x', reason: 'r', match: { flags: ['--hard'] } }] });
  });

  test('extends takes policies', () => {
    definePolicy({
      extends: [presets.opsGitSafety, presets.precise, definePolicy({ name: 'mine' })],
    });
    expectTypeOf<NonNullable<Policy['extends']>[number]>().toEqualTypeOf<Policy>();
    // @ts-expect-error a string is not a policy
    definePolicy({ extends: ['opsGitSafety'] });
  });

  test("a check's run takes a function of CheckContext", () => {
    definePolicy({
      push: {
        checks: [
          {
            id: 'no-todo',
            run: (context) => {
              expectTypeOf(context).toEqualTypeOf<CheckContext>();
              return context.addedLines.some((l) => l.line.includes('TODO'))
                ? 'no TODO'
                : undefined;
            },
          },
          { id: 'async', severity: 'warn', run: async () => ({ warnings: ['x'] }) },
        ],
      },
    });
    expectTypeOf<CheckResult>().toMatchTypeOf<void | string | string[] | object>();
    // @ts-expect-error run must be a function
    definePolicy({ push: { checks: [{ id: 'x', run: 'echo ok' }] } });
  });

  test('options must start with -', () => {
    definePolicy({ rules: [{ id: 'x', reason: 'r', match: { anyOption: ['--hard', '-D'] } }] });
    // @ts-expect-error an option without its dash
    definePolicy({ rules: [{ id: 'x', reason: 'r', match: { anyOption: ['hard'] } }] });
  });

  test('effects, alert levels and check modes are closed sets', () => {
    definePolicy({
      rules: [
        { id: 'x', reason: 'r', alert: 'maximum', match: { effect: ['force-push', 'delete-tag'] } },
      ],
    });
    // @ts-expect-error not an effect in the catalogue
    definePolicy({ rules: [{ id: 'x', reason: 'r', match: { effect: 'nuke' } }] });
    // @ts-expect-error alert is normal | maximum
    definePolicy({ rules: [{ id: 'x', reason: 'r', alert: 'loud', match: {} }] });
    // @ts-expect-error commitCheck is deny | warn | off
    definePolicy({ scopes: { commitCheck: 'block' } });
  });

  test('a rule needs an id, a reason and a match', () => {
    // @ts-expect-error reason is missing
    definePolicy({ rules: [{ id: 'x', match: {} }] });
    // @ts-expect-error match is missing
    definePolicy({ rules: [{ id: 'x', reason: 'r' }] });
  });

  test('blocked subcommands take reasons, alerts and exemptions without a subcommand', () => {
    definePolicy({
      git: {
        blockedSubcommands: {
          checkout: { reason: 'r', alert: 'maximum', exempt: [{ anyOption: ['-b'] }] },
        },
      },
    });
    const checkout = (exempt: unknown) => ({ reason: 'r', exempt }) as never;
    definePolicy({ git: { blockedSubcommands: { checkout: checkout([]) } } });
    // prettier-ignore
    // @ts-expect-error an exemption cannot name another subcommand
    const exempt: Policy = { git: { blockedSubcommands: { c: { reason: 'r', exempt: [{ subcommand: 'x' }] } } } };
    void exempt;
  });
});

import { describe, expect, test } from 'vitest';
import { GitfenceError } from '../../src/errors.js';
import { gatherPolicyIssues, validatePolicy } from '../../src/policy/validate.js';

const render = (value: unknown) =>
  gatherPolicyIssues(value, 'gitfence.policy.ts').issues.map((i) => `${i.where}: ${i.problem}`);

describe('policy validation messages', () => {
  test('wrong types name the path, the expected type and what was given', () => {
    expect(render({ push: { protectedBranches: ['main', 1] } })).toEqual([
      'gitfence.policy.ts › push.protectedBranches[1]: expected string, got number',
    ]);
  });

  test('every issue is listed, in one pass, including inside extends', () => {
    expect(
      render({
        rulez: [],
        push: { forcePush: 'nope', bogus: 1 },
        scopes: { defaultTtl: '3 weeks' },
        rules: [{ id: 'A b', reason: '', match: { anyOption: ['force'] } }],
        extends: [{ git: { denyIfContains: [3] } }],
      }),
    ).toEqual([
      'gitfence.policy.ts › rules[0].id: expected a kebab-case id such as "no-force-push", got "A b"',
      'gitfence.policy.ts › rules[0].reason: expected a non-empty string, got ""',
      'gitfence.policy.ts › rules[0].match.anyOption[0]: expected an option such as "--force" or "-D", got "force"',
      'gitfence.policy.ts › scopes.defaultTtl: expected a duration such as "90s", "30m", "4h", got "3 weeks"',
      'gitfence.policy.ts › push.forcePush: expected one of "deny" | "warn" | "off", got "nope"',
      'gitfence.policy.ts › push.bogus: unknown key "bogus": expected one of protectedBranches, forcePush, deleteBranches, deleteTags, denyIfContains, denyPatterns, maxFileSize, outOfScope, checks',
      'gitfence.policy.ts › rulez: unknown key "rulez": expected one of extends, name, defaultAction, allow, disableRules, git, rules, scopes, push, commit, paths, writeLock, breakGlass, audit, shim',
      'gitfence.policy.ts › extends[0].git.denyIfContains[0]: expected string, got number',
    ]);
  });

  test('unknown keys in nested rule objects are named', () => {
    expect(
      render({
        rules: [{ id: 'x', reason: 'r', match: { subcommand: 'reset', flags: ['--hard'] } }],
      }),
    ).toEqual([
      'gitfence.policy.ts › rules[0].match.flags: unknown key "flags": expected one of subcommand, verb, anyOption, allOptions, noOption, effect, pathspec, operand, env, config, agent',
    ]);
  });

  test('enums list their values; a one-or-many field says so', () => {
    expect(
      render({ rules: [{ id: 'x', reason: 'r', action: 'block', match: { effect: 'nuke' } }] })[0],
    ).toBe(
      'gitfence.policy.ts › rules[0].action: expected one of "deny" | "warn" | "allow", got "block"',
    );
    expect(render({ rules: [{ id: 'x', reason: 'r', match: { effect: 'nuke' } }] })[0]).toMatch(
      /› rules\[0\]\.match\.effect: expected one of "discard-worktree-changes" \| .* or a list of them, got "nuke"$/,
    );
  });

  test('validatePolicy throws POLICY_INVALID (exit 2) with every issue', () => {
    let error: unknown;
    try {
      validatePolicy({ push: { protectedBranches: [1, 2] } }, 'gitfence.policy.ts');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(GitfenceError);
    expect((error as GitfenceError).code).toBe('POLICY_INVALID');
    expect((error as GitfenceError).message).toBe(
      'the policy has 2 problems:\n' +
        '  gitfence.policy.ts › push.protectedBranches[0]: expected string, got number\n' +
        '  gitfence.policy.ts › push.protectedBranches[1]: expected string, got number',
    );
  });

  test('a single issue reads as `file › path: expected X, got Y`', () => {
    expect(() => validatePolicy({ defaultAction: 'maybe' }, 'gitfence.policy.ts')).toThrow(
      expect.objectContaining({
        code: 'POLICY_INVALID',
        message: 'expected one of "allow" | "deny", got "maybe"',
        details: expect.objectContaining({ where: 'gitfence.policy.ts › defaultAction' }),
      }),
    );
  });

  test('a file without a default export is told how to export one', () => {
    expect(() => validatePolicy(undefined, 'gitfence.policy.ts')).toThrow(/got no default export/);
  });
});

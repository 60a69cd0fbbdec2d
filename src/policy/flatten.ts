/**
 * Flattening: every policy construct becomes a `CompiledRule` the one evaluator runs —
 * blocked subcommands, `denyIfContains` keywords, `denyPatterns` regexes and rules.
 */
import type { CompiledRule, RuleSource } from '../evaluate/types.js';
import type { ExpandedPolicy } from './layers.js';
import type { MatchSpec } from './schema.js';
import type { PolicyIssue } from './validate.js';

export interface RuleExamples {
  match: string[];
  notMatch: string[];
}

/** A compiled rule with what the compiler still needs: its examples and how messages name its file. */
export interface RuleEntry {
  rule: CompiledRule;
  examples?: RuleExamples;
  display: string;
}

/** Where a construct sits: its layer, file, and path inside the file (below an `extends` entry). */
export function sourceOf(policy: ExpandedPolicy, path: string): RuleSource {
  const prefix = policy.path ? `${policy.path}.` : '';
  return {
    layer: policy.layer,
    ...(policy.file ? { file: policy.file } : {}),
    path: `${prefix}${path}`,
  };
}

function regexProblem(source: string): string | null {
  try {
    new RegExp(source);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

function checkOperandRegexes(
  specs: MatchSpec[],
  where: string,
  issues: PolicyIssue[],
  list = true,
): void {
  specs.forEach((spec, index) => {
    if (spec.operand === undefined) return;
    const problem = regexProblem(spec.operand);
    if (problem) {
      issues.push({
        where: `${where}${list ? `[${index}]` : ''}.operand`,
        problem: `expected a valid regular expression, got ${JSON.stringify(spec.operand)} (${problem})`,
      });
    }
  });
}

/** The rules one policy contributes, in the order: blocked subcommands, keywords, patterns, rules. */
export function flattenPolicy(policy: ExpandedPolicy, issues: PolicyIssue[]): RuleEntry[] {
  const out: RuleEntry[] = [];
  const { parsed, display } = policy;
  const where = (path: string) => `${display} › ${policy.path ? `${policy.path}.` : ''}${path}`;

  for (const [sub, blocked] of Object.entries(parsed.git?.blockedSubcommands ?? {})) {
    const path = `git.blockedSubcommands.${sub}`;
    checkOperandRegexes(blocked.exempt, `${where(path)}.exempt`, issues);
    out.push({
      rule: {
        id: blocked.id ?? `blocked/${sub}`,
        action: 'deny',
        reason: blocked.reason,
        ...(blocked.instead ? { instead: blocked.instead } : {}),
        alert: blocked.alert,
        match: { subcommand: sub },
        unless: blocked.exempt.map((exempt) => ({ ...exempt, subcommand: sub })),
        source: sourceOf(policy, path),
      },
      ...(blocked.examples ? { examples: blocked.examples } : {}),
      display,
    });
  }

  (parsed.git?.denyIfContains ?? []).forEach((keyword, index) => {
    out.push({
      rule: {
        id: `keyword:${keyword}`,
        action: 'deny',
        reason: `the policy denies any git call containing "${keyword}"`,
        alert: 'normal',
        match: {},
        unless: [],
        contains: keyword,
        source: sourceOf(policy, `git.denyIfContains[${index}]`),
      },
      display,
    });
  });

  (parsed.git?.denyPatterns ?? []).forEach((pattern, index) => {
    const path = `git.denyPatterns[${index}]`;
    const problem = regexProblem(pattern);
    if (problem) {
      issues.push({
        where: where(path),
        problem: `expected a valid regular expression, got ${JSON.stringify(pattern)} (${problem})`,
      });
      return;
    }
    out.push({
      rule: {
        id: `pattern:${pattern}`,
        action: 'deny',
        reason: `the policy denies git calls matching /${pattern}/`,
        alert: 'normal',
        match: {},
        unless: [],
        pattern,
        source: sourceOf(policy, path),
      },
      display,
    });
  });

  (parsed.rules ?? []).forEach((rule, index) => {
    const path = `rules[${index}]`;
    checkOperandRegexes([rule.match], `${where(path)}.match`, issues, false);
    checkOperandRegexes(rule.unless, `${where(path)}.unless`, issues);
    out.push({
      rule: {
        id: rule.id,
        action: rule.action,
        reason: rule.reason,
        ...(rule.instead ? { instead: rule.instead } : {}),
        alert: rule.alert,
        match: rule.match,
        unless: rule.unless,
        source: sourceOf(policy, path),
      },
      ...(rule.examples ? { examples: rule.examples } : {}),
      display,
    });
  });
  return out;
}

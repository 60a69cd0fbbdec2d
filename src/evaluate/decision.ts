/** Building Decisions: the aggregate of matches (deny wins, loudest alert) and fail-closed denials. */
import type { AlertLevel, Decision, RuleMatch, RuleSource } from './types.js';

export const BUILTIN_IDS = {
  unparseable: 'gitfence/unparseable',
  pathGuard: 'gitfence/path-guard',
  defaultDeny: 'gitfence/default-deny',
  scopeRequired: 'gitfence/scope-required',
  writeLock: 'gitfence/write-lock',
  autoScope: 'gitfence/auto-scope',
  policyNotCompiled: 'gitfence/policy-not-compiled',
  policyCorrupt: 'gitfence/policy-corrupt',
  internalError: 'gitfence/internal-error',
} as const;

export type FailClosedRuleId =
  | typeof BUILTIN_IDS.policyNotCompiled
  | typeof BUILTIN_IDS.policyCorrupt
  | typeof BUILTIN_IDS.internalError;

export function builtinSource(path: string): RuleSource {
  return { layer: 'builtin', path };
}

/** A builtin guard's match; `instead` is left out when empty so JSON stays tidy. */
export function builtinMatch(
  ruleId: string,
  outcome: RuleMatch['outcome'],
  reason: string,
  instead: string | undefined,
  detail: string | undefined,
  alert: AlertLevel = 'normal',
): RuleMatch {
  const match: RuleMatch = {
    ruleId,
    outcome,
    reason,
    alert,
    source: builtinSource(ruleId.replace(/^gitfence\//, '')),
  };
  if (instead !== undefined) match.instead = instead;
  if (detail !== undefined) match.detail = detail;
  return match;
}

/** Deny wins; the alert is the loudest among denials; warn matches become warnings. */
export function aggregate(matches: RuleMatch[]): Pick<Decision, 'outcome' | 'alert' | 'warnings'> {
  let denied = false;
  let maximum = false;
  const warnings: string[] = [];
  for (const match of matches) {
    if (match.outcome === 'deny') {
      denied = true;
      if (match.alert === 'maximum') maximum = true;
    } else if (match.outcome === 'warn') {
      warnings.push(`${match.ruleId}: ${match.reason}`);
    }
  }
  return {
    outcome: denied ? 'deny' : 'allow',
    alert: denied ? (maximum ? 'maximum' : 'normal') : 'none',
    warnings,
  };
}

/** The denial every enforcement point returns when it cannot evaluate: it never silently allows. */
export function failClosedDecision(
  ruleId: FailClosedRuleId | string,
  reason: string,
  instead: string,
): Decision {
  return {
    outcome: 'deny',
    matches: [builtinMatch(ruleId, 'deny', reason, instead, undefined)],
    warnings: [],
    alert: 'normal',
  };
}

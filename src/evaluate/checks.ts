/**
 * Custom-check results judged purely: the checks run at the edge; here `error` findings deny and
 * `warn` findings (and every finding of a `warn`-severity check) only warn.
 */
import type { Decision, RuleMatch, RuleSource } from './types.js';

/** What a custom check returned, normalised at the edge. */
export interface CheckOutcome {
  id: string;
  severity: 'error' | 'warn';
  errors: string[];
  warnings: string[];
  source?: RuleSource;
}

const MAX_DETAILS = 5;

/** At most MAX_DETAILS messages, then how many more. */
export function summarize(messages: string[]): string {
  const shown = messages.slice(0, MAX_DETAILS).join('; ');
  return messages.length > MAX_DETAILS
    ? `${shown} (+${messages.length - MAX_DETAILS} more)`
    : shown;
}

export function evaluateChecks(
  checks: readonly CheckOutcome[],
  stage: 'push' | 'commit',
): Decision {
  const matches: RuleMatch[] = [];
  const warnings: string[] = [];
  const again = stage === 'push' ? 'push' : 'commit';
  for (const check of checks) {
    const source = check.source ?? { layer: 'policy', path: `${stage}.checks.${check.id}` };
    const ruleId = `check/${check.id}`;
    // A warn-severity check never blocks, whatever it returns.
    const denials = check.severity === 'error' ? check.errors : [];
    const notes =
      check.severity === 'error' ? check.warnings : [...check.errors, ...check.warnings];
    if (denials.length > 0) {
      matches.push({
        ruleId,
        outcome: 'deny',
        reason: `custom check ${check.id} failed: ${summarize(denials)}`,
        instead: `fix what the check reports, then ${again} again`,
        alert: 'normal',
        source,
        detail: summarize(denials),
      });
    }
    if (notes.length > 0) {
      matches.push({
        ruleId,
        outcome: 'warn',
        reason: `custom check ${check.id} warns`,
        alert: 'normal',
        source,
        detail: summarize(notes),
      });
      warnings.push(...notes.map((note) => `${ruleId}: ${note}`));
    }
  }
  const denied = matches.some((m) => m.outcome === 'deny');
  return {
    outcome: denied ? 'deny' : 'allow',
    matches,
    warnings,
    alert: denied ? 'normal' : 'none',
  };
}

/** Several decisions as one: every match kept in order, deny wins, the loudest alert. */
export function combineDecisions(...decisions: Decision[]): Decision {
  const denied = decisions.some((d) => d.outcome === 'deny');
  const alert = decisions.some((d) => d.alert === 'maximum')
    ? 'maximum'
    : denied
      ? 'normal'
      : 'none';
  return {
    outcome: denied ? 'deny' : 'allow',
    matches: decisions.flatMap((d) => d.matches),
    warnings: decisions.flatMap((d) => d.warnings),
    alert,
  };
}

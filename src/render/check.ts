/** What `gitfence check` prints for people: one short line when allowed, a readable summary when denied. */
import type { Decision, RuleMatch } from '../evaluate/types.js';
import { DEFAULT_INSTEAD, describeSource, renderCommand } from './text.js';

const MARK: Record<RuleMatch['outcome'], string> = { deny: 'x', warn: '!', allow: '+' };

export function renderMatch(match: RuleMatch, indent = '  '): string[] {
  const alert = match.outcome === 'deny' && match.alert === 'maximum' ? ' [maximum alert]' : '';
  const lines = [
    `${indent}${MARK[match.outcome]} ${match.outcome.padEnd(5)} ${match.ruleId}${alert}`,
    `${indent}    reason   ${match.reason}`,
  ];
  if (match.detail) lines.push(`${indent}    why      ${match.detail}`);
  if (match.outcome === 'deny')
    lines.push(`${indent}    instead  ${match.instead ?? DEFAULT_INSTEAD}`);
  lines.push(`${indent}    defined  ${describeSource(match.source)}`);
  return lines;
}

/** Allowed: `gitfence: allowed` (plus rewrite and warnings). Denied: every denial with why and what to do. */
export function renderCheck(decision: Decision, argv?: readonly string[]): string {
  const command = argv ? ` ${renderCommand(argv)}` : '';
  if (decision.outcome === 'allow') {
    const lines = [`gitfence: allowed${command}`];
    if (decision.rewrite) {
      lines.push(
        `  runs as: ${renderCommand(decision.rewrite.argv)}  (${decision.rewrite.reason})`,
      );
    }
    for (const warning of decision.warnings) lines.push(`  warning: ${warning}`);
    return lines.join('\n');
  }
  const denials = decision.matches.filter((m) => m.outcome === 'deny');
  const lines = [
    `gitfence: denied${command} — ${denials.length} rule${denials.length === 1 ? '' : 's'} (alert ${decision.alert})`,
    ...denials.flatMap((m) => renderMatch(m)),
  ];
  for (const warning of decision.warnings) lines.push(`  warning: ${warning}`);
  return lines.join('\n');
}

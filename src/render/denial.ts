/** The one stderr line agents read: `gitfence: denied <rule-id>: <reason> — <what to do instead>`. */
import type { Decision } from '../evaluate/types.js';
import { DEFAULT_INSTEAD, oneLine, primaryDenial } from './text.js';

export function renderDenialLine(decision: Decision): string {
  const primary = primaryDenial(decision);
  if (!primary) return 'gitfence: allowed';
  const others = decision.matches
    .filter((m) => m.outcome === 'deny' && m !== primary)
    .map((m) => m.ruleId);
  const also = others.length > 0 ? ` (also denied by ${others.join(', ')})` : '';
  return `gitfence: denied ${primary.ruleId}: ${oneLine(primary.reason)} — ${oneLine(primary.instead ?? DEFAULT_INSTEAD)}${also}`;
}

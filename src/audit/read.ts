/** Reading the audit log back, oldest first, across rotated files; filters for `gitfence log`. */
import { readFileSync } from 'node:fs';
import { rotatedName } from './append.js';
import type { AuditEntry } from './entry.js';

export interface AuditFilter {
  agent?: string;
  outcome?: 'allow' | 'deny';
  /** Epoch ms: entries at or after this time. */
  since?: number;
}

export function loadAuditEntries(
  file: string,
  keep: number,
): { entries: AuditEntry[]; malformed: number } {
  const entries: AuditEntry[] = [];
  let malformed = 0;
  for (let n = keep; n >= 0; n--) {
    let text: string;
    try {
      text = readFileSync(n === 0 ? file : rotatedName(file, n), 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const parsed = JSON.parse(line) as AuditEntry;
        if (typeof parsed.time === 'string' && Array.isArray(parsed.argv)) entries.push(parsed);
        else malformed++;
      } catch {
        malformed++;
      }
    }
  }
  return { entries, malformed };
}

export function filterAuditEntries(
  entries: readonly AuditEntry[],
  filter: AuditFilter,
): AuditEntry[] {
  return entries.filter((entry) => {
    if (filter.agent !== undefined && entry.agent !== filter.agent) return false;
    if (filter.outcome !== undefined && entry.outcome !== filter.outcome) return false;
    if (filter.since !== undefined && Date.parse(entry.time) < filter.since) return false;
    return true;
  });
}

/** One readable line per entry. */
export function renderAuditLine(entry: AuditEntry): string {
  const who = entry.agent ?? '(no agent)';
  const rules = entry.ruleIds.length ? ` [${entry.ruleIds.join(', ')}]` : '';
  const glass = entry.breakGlass ? ` break-glass:${entry.breakGlass.outcome}` : '';
  return `${entry.time}  ${entry.outcome.padEnd(5)}  ${who}  git ${entry.argv.join(' ')}${rules}${glass}  (${entry.cwd})`;
}

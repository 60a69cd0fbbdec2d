/** Text for lock-scope results: pure, given the clock value to say "in 29m". */
import type { HistoryEvent, LeaseConflict, LeaseRecord } from './types.js';

export function renderDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.round(s / 60);
  if (m < 120) return `${m}m`;
  const h = Math.floor(m / 60);
  return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const mode = (lease: LeaseRecord) => (lease.exclusive ? 'exclusive' : 'shared');

export function renderExpiry(lease: LeaseRecord, now: number): string {
  return `${iso(lease.expiresAt)} (in ${renderDuration(lease.expiresAt - now)})`;
}

/** One line per conflict, then what to do: agents read this. */
export function renderConflicts(conflicts: LeaseConflict[], now: number): string {
  const lines = conflicts.map((c) => {
    const example = c.overlap.example
      ? `both match ${c.overlap.example}`
      : 'gitfence cannot prove them disjoint';
    const reason = c.lease.reason ? `, reason: ${JSON.stringify(c.lease.reason)}` : '';
    return (
      `gitfence: denied lock-conflict: ${c.requested} overlaps ${c.held}, held by agent ` +
      `${c.lease.owner} (${mode(c.lease)} lease ${c.lease.id}${reason}): ${example}; ` +
      `expires ${renderExpiry(c.lease, now)}`
    );
  });
  const holders = [...new Set(conflicts.map((c) => c.lease.owner))].join(', ');
  lines.push(
    `  → take a narrower glob that avoids it, wait with \`--wait 10m\`, or ask ${holders} to run ` +
      '`gitfence lock release`',
  );
  return lines.join('\n');
}

export function renderGranted(lease: LeaseRecord, now: number): string {
  return [
    `granted ${mode(lease)} lease ${lease.id} (token ${lease.token}) to ${lease.owner}: ` +
      `${lease.patterns.join(' ')} until ${renderExpiry(lease, now)}`,
    `  renew: gitfence lock renew --id ${lease.id} --token ${lease.token}` +
      `   release: gitfence lock release --id ${lease.id} --token ${lease.token}`,
  ].join('\n');
}

export function renderLeaseLine(lease: LeaseRecord, now: number): string {
  const reason = lease.reason ? `  ${JSON.stringify(lease.reason)}` : '';
  return (
    `${lease.id}  ${lease.owner}  ${mode(lease)}  token ${lease.token}  ` +
    `expires in ${renderDuration(lease.expiresAt - now)}  ${lease.patterns.join(' ')}${reason}`
  );
}

export function renderList(
  active: LeaseRecord[],
  history: HistoryEvent[] | null,
  now: number,
): string {
  const lines = active.length
    ? ['active leases:', ...active.map((l) => `  ${renderLeaseLine(l, now)}`)]
    : ['no active leases'];
  if (history) {
    lines.push('', history.length ? 'history (oldest first):' : 'no history');
    for (const event of history) {
      const by = event.by ? ` by ${event.by}` : '';
      lines.push(
        `  ${iso(event.at)}  ${event.kind.padEnd(8)} ${event.lease.id}  ${event.lease.owner}  ` +
          `token ${event.lease.token}  ${event.lease.patterns.join(' ')}${by}`,
      );
    }
  }
  return lines.join('\n');
}

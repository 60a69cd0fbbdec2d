/** What the git hooks print and write: a readable summary, a JSON summary and a one-line TXT. */
import type { Decision, PushRefUpdate } from '../evaluate/types.js';
import type { Colors } from '../render/color.js';
import { renderDenialLine } from '../render/denial.js';
import { describeSource, oneLine } from '../render/text.js';

export interface HookSummaryInput {
  stage: 'push' | 'commit';
  decision: Decision;
  agent: string | null;
  remote?: { name: string; url: string };
  updates?: PushRefUpdate[];
  counts: { commits: number; files: number; addedLines: number };
}

const shortRef = (ref: string) => ref.replace(/^refs\/(heads|tags)\//, '');

function describeUpdate(u: PushRefUpdate): string {
  if (/^0+$/.test(u.localSha)) return `delete ${shortRef(u.remoteRef)}`;
  if (/^0+$/.test(u.remoteSha)) return `create ${shortRef(u.remoteRef)}`;
  return `${u.fastForward === false ? 'force-update' : 'update'} ${shortRef(u.remoteRef)}`;
}

export function renderHookSummary(input: HookSummaryInput, c: Colors): string {
  const { decision, counts } = input;
  const title = input.stage === 'push' ? 'gitfence pre-push' : 'gitfence pre-commit';
  const lines: string[] = [];
  const where = input.remote ? ` → ${input.remote.name}` : '';
  const what = (input.updates ?? []).map(describeUpdate).join(', ');
  lines.push(
    `${c.bold(title)}${where}${what ? `: ${what}` : ''} (${counts.commits} commits, ${counts.files} files, ${counts.addedLines} added lines${input.agent ? `, agent ${input.agent}` : ''})`,
  );
  for (const match of decision.matches) {
    const tag = match.outcome === 'deny' ? c.red('✗ deny') : c.yellow('! warn');
    lines.push(`  ${tag} ${c.bold(match.ruleId)}: ${oneLine(match.reason)}`);
    if (match.detail) lines.push(`      ${oneLine(match.detail)}`);
    if (match.outcome === 'deny' && match.instead) lines.push(`      → ${oneLine(match.instead)}`);
    lines.push(`      (${describeSource(match.source)})`);
  }
  lines.push(
    decision.outcome === 'deny'
      ? c.red(`${title}: refused — nothing was ${input.stage === 'push' ? 'pushed' : 'committed'}`)
      : c.green(
          `${title}: ok${decision.warnings.length ? ` with ${decision.warnings.length} warning(s)` : ''}`,
        ),
  );
  if (decision.outcome === 'deny') lines.push(renderDenialLine(decision));
  return `${lines.join('\n')}\n`;
}

export function renderSummaryJson(input: HookSummaryInput): string {
  const { decision } = input;
  return `${JSON.stringify(
    {
      format: 'gitfence/hook-summary@1',
      stage: input.stage,
      outcome: decision.outcome,
      agent: input.agent,
      remote: input.remote ?? null,
      updates: (input.updates ?? []).map((u) => ({ ...u, action: describeUpdate(u) })),
      counts: input.counts,
      matches: decision.matches,
      warnings: decision.warnings,
    },
    null,
    2,
  )}\n`;
}

/** One line for dashboards and logs: outcome, rule ids, counts. */
export function renderSummaryLine(input: HookSummaryInput): string {
  const { decision, counts } = input;
  const ids = (outcome: string) => [
    ...new Set(decision.matches.filter((m) => m.outcome === outcome).map((m) => m.ruleId)),
  ];
  const denied = ids('deny');
  const warned = ids('warn');
  const parts = [
    `gitfence ${input.stage}: ${decision.outcome === 'deny' ? 'denied' : 'allowed'}`,
    denied.length ? `deny=${denied.join(',')}` : '',
    warned.length ? `warn=${warned.join(',')}` : '',
    `commits=${counts.commits} files=${counts.files} added_lines=${counts.addedLines}`,
  ];
  return `${parts.filter(Boolean).join(' ')}\n`;
}

/** `summary.json` → `summary.txt`; a path without an extension gets `.txt` appended. */
export function summaryTextPath(jsonPath: string): string {
  const slash = jsonPath.lastIndexOf('/');
  const dot = jsonPath.lastIndexOf('.');
  const text = dot > slash + 1 ? `${jsonPath.slice(0, dot)}.txt` : `${jsonPath}.txt`;
  // Never the JSON file itself (`summary.txt` as the JSON path).
  return text === jsonPath ? `${jsonPath}.txt` : text;
}

/** What `gitfence worktree` prints for people. Pure. */
import type { AddResult } from './add.js';
import type { ReleaseResult } from './release.js';
import type { WorktreeListing, WorktreeView } from './view.js';

const short = (commit: string | null) => (commit ? commit.slice(0, 12) : '-');
const shQuote = (value: string) =>
  /^[A-Za-z0-9_./:@%+=-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;

export function renderAdded(result: AddResult): string {
  const { record } = result;
  const branch = result.reusedBranch
    ? `${record.branch} (existing, at ${short(record.base)})`
    : `${record.branch} (new, from ${short(record.base)})`;
  return [
    `worktree for agent ${record.agent}`,
    `  path    ${record.path}`,
    `  branch  ${branch}`,
    'start the agent there:',
    `  cd ${shQuote(record.path)} && export LLM_AGENT_NAME=${record.agent}`,
    `take it back with: gitfence worktree release ${record.agent}`,
  ].join('\n');
}

function stateOf(view: WorktreeView): string {
  if (!view.registered) return 'missing (git does not know it)';
  if (!view.exists) return `missing (${view.prunable ?? 'directory gone'})`;
  const parts = [view.dirty ? 'dirty' : 'clean'];
  if (view.merged) parts.push('merged');
  else if (view.ahead) parts.push(`${view.ahead} ahead`);
  if (view.locked !== null) parts.push('locked');
  return parts.join(', ');
}

export function renderListing(listing: WorktreeListing): string {
  const { main } = listing;
  const header = `main worktree: ${main.path} (${main.branch ?? 'detached'} at ${short(main.head)})`;
  if (listing.worktrees.length === 0) return `${header}\nno linked worktrees`;
  const rows = listing.worktrees.map((view) => [
    view.agent ?? '-',
    view.branch ?? '(detached)',
    short(view.head),
    stateOf(view),
    view.path,
  ]);
  const titles = ['AGENT', 'BRANCH', 'HEAD', 'STATE', 'PATH'];
  const widths = titles.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => row[i]!.length)),
  );
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ');
  const unrecorded = listing.worktrees.some((view) => !view.recorded);
  return [
    header,
    line(titles),
    ...rows.map(line),
    ...(unrecorded ? ['("-": a linked worktree gitfence did not add)'] : []),
  ].join('\n');
}

export function renderReleased(result: Extract<ReleaseResult, { status: 'released' }>): string {
  const { record, snapshot, branch, work } = result;
  const lines = [`released agent ${record.agent}'s worktree ${work.path}`];
  for (const warning of result.decision.warnings) lines.push(`  warning: ${warning}`);
  if (snapshot) {
    lines.push(`  work snapshotted first: ${snapshot.ref} (${short(snapshot.commit)})`);
    if (snapshot.kind === 'head') {
      lines.push(
        `  to get it back: gitfence worktree add ${record.agent} --base ${short(snapshot.commit)}`,
      );
    } else {
      lines.push(
        '  to get it back:',
        branch.exists
          ? `    gitfence worktree add ${record.agent} --branch ${branch.name}`
          : `    gitfence worktree add ${record.agent} --base ${short(snapshot.commit)}^`,
        `    then, in the new worktree: gitfence checkpoint restore ${snapshot.name}`,
      );
    }
    if (snapshot.skipped.length > 0) {
      lines.push(`  ${snapshot.skipped.length} ignored file(s) over the size cap were left out`);
    }
  }
  lines.push(result.removed ? '  removed the worktree' : '  no worktree left to remove');
  lines.push(
    branch.deleted
      ? `  deleted branch ${branch.name} (merged into ${work.into})`
      : branch.exists
        ? `  kept branch ${branch.name}: ${branch.reason}`
        : `  branch ${branch.name}: ${branch.reason}`,
  );
  for (const note of result.notes) lines.push(`  note: ${note}`);
  return lines.join('\n');
}

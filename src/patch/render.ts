/** What save-patch and apply-patch print: where the patch went, what it holds, what to do next. */
import type { ApplyReport } from './apply.js';
import type { SaveResult } from './save.js';

function shellWord(word: string): string {
  return /^[\w@%+=:,./^~-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function fileLine(f: { status: string; path: string; oldPath?: string | undefined }): string {
  return `    ${f.status}  ${f.oldPath ? `${f.oldPath} → ` : ''}${f.path}`;
}

export function renderSaveResult(
  result: SaveResult,
  options: { color: boolean; scopes?: string[] },
): string {
  if (result.status === 'nothing') {
    const scopes = options.scopes ? ` in ${options.scopes.join(', ')}` : '';
    return `save-patch: nothing to save${scopes} (no changes against HEAD); no file written`;
  }
  const meta = result.metadata!;
  const count = `${meta.files.length} file${meta.files.length === 1 ? '' : 's'}`;
  const who = meta.agent ? `agent ${meta.agent}` : 'no agent';
  const scopes = meta.all ? 'the whole tree' : meta.scopes.join(', ');
  if (result.status === 'stdout') {
    return `save-patch: wrote ${count} from ${scopes} (${who}, base ${meta.base.slice(0, 12)}) to stdout; sha256 ${meta.sha256}`;
  }
  const lines = [
    `save-patch: saved ${count} from ${scopes} (${who}, base ${meta.base.slice(0, 12)})`,
    `  patch:    ${result.patchPath}`,
    `  metadata: ${result.metaPath}`,
    '  files:',
    ...meta.files.map(fileLine),
  ];
  if (result.skipped.length > 0)
    lines.push(`  skipped (nested repositories, not patchable): ${result.skipped.join(', ')}`);
  lines.push(
    'The orchestrator checks and applies it with:',
    `  gitfence apply-patch ${shellWord(result.patchPath!)} --check`,
    `  gitfence apply-patch ${shellWord(result.patchPath!)} --commit`,
  );
  return lines.join('\n');
}

export function renderApplyReport(report: ApplyReport): string {
  const meta = report.metadata;
  const who = meta.agent ? `agent ${meta.agent}` : 'no agent';
  const scopes = meta.all ? 'the whole tree' : meta.scopes.join(', ');
  const head = `${report.files.length} file${report.files.length === 1 ? '' : 's'} from ${who} (${scopes}, base ${meta.base.slice(0, 12)})`;
  const modeNote: Record<string, string> = {
    clean: '',
    'stage-only': ' — its changes were already in this working tree, so only the index was updated',
    '3way': ' — the base moved; applied with a 3-way merge',
  };
  if (report.status === 'conflict') {
    return [
      `apply-patch: refused, nothing was changed: ${head} does not apply here`,
      ...report.problems.map((p) => `    ${p.path}: ${p.problem}`),
      '  → commit or move aside the listed changes, or ask the agent to rebase its work and save again',
    ].join('\n');
  }
  const mode = report.mode ? (modeNote[report.mode] ?? '') : '';
  if (report.status === 'checked') {
    return [`apply-patch: ok, would apply ${head}${mode}`, ...report.files.map(fileLine)].join(
      '\n',
    );
  }
  const lines = [`apply-patch: applied ${head}${mode}`, ...report.files.map(fileLine)];
  lines.push(
    report.commit
      ? `  committed as ${report.commit}`
      : '  staged in the index; commit it when ready (or use --commit)',
  );
  return lines.join('\n');
}

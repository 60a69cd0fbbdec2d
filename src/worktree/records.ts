/**
 * The record of the worktrees gitfence handed out, `<git-common-dir>/gitfence/worktrees.json`:
 * which agent has which worktree, on which branch, from which base. Pure: parsing and changes.
 */
import { GitfenceError } from '../errors.js';

export const RECORDS_FORMAT = 'gitfence/worktrees@1';

export interface WorktreeRecord {
  agent: string;
  /** Absolute, symlink-free path of the worktree. */
  path: string;
  branch: string;
  /** gitfence created the branch (so `release` may delete it once merged). */
  branchCreated: boolean;
  /** Full commit id the worktree started from. */
  base: string;
  /** ISO time of `add`. */
  created: string;
}

export interface WorktreeRecords {
  format: typeof RECORDS_FORMAT;
  worktrees: WorktreeRecord[];
}

export const emptyRecords = (): WorktreeRecords => ({ format: RECORDS_FORMAT, worktrees: [] });

function isRecord(value: unknown): value is WorktreeRecord {
  const r = value as Record<string, unknown> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.agent === 'string' &&
    typeof r.path === 'string' &&
    typeof r.branch === 'string' &&
    typeof r.branchCreated === 'boolean' &&
    typeof r.base === 'string' &&
    typeof r.created === 'string'
  );
}

/** A corrupt record is an error, never "no worktrees": `add` would hand out a second one. */
export function parseRecords(text: string, file: string): WorktreeRecords {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new GitfenceError('IO', `the worktree record is not JSON: ${(error as Error).message}`, {
      where: file,
      hint: 'repair it from `git worktree list`, or remove it (the worktrees stay; `gitfence worktree list` then shows them unrecorded)',
    });
  }
  const v = value as Partial<WorktreeRecords> | null;
  if (
    typeof v !== 'object' ||
    v === null ||
    v.format !== RECORDS_FORMAT ||
    !Array.isArray(v.worktrees) ||
    !v.worktrees.every(isRecord)
  ) {
    throw new GitfenceError('IO', 'the worktree record does not have the expected shape', {
      where: file,
      expected: `{"format":"${RECORDS_FORMAT}","worktrees":[{agent,path,branch,branchCreated,base,created}…]}`,
      hint: 'repair it from `git worktree list`, or remove it (the worktrees stay; `gitfence worktree list` then shows them unrecorded)',
    });
  }
  return { format: RECORDS_FORMAT, worktrees: v.worktrees };
}

export function renderRecords(records: WorktreeRecords): string {
  return `${JSON.stringify(records, null, 2)}\n`;
}

export function findRecord(records: WorktreeRecords, agent: string): WorktreeRecord | undefined {
  return records.worktrees.find((record) => record.agent === agent);
}

export function withRecord(records: WorktreeRecords, record: WorktreeRecord): WorktreeRecords {
  return {
    ...records,
    worktrees: [...records.worktrees.filter((r) => r.agent !== record.agent), record],
  };
}

export function withoutRecord(records: WorktreeRecords, agent: string): WorktreeRecords {
  return { ...records, worktrees: records.worktrees.filter((r) => r.agent !== agent) };
}

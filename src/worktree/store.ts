/**
 * The worktree record on disk. Readers take no lock (the file is only ever replaced whole); writers
 * hold the lease store's kind of lock file for the whole read → git → write sequence, so two
 * orchestrators cannot hand out one agent two worktrees or release one twice.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { statePaths } from '../repo/state-paths.js';
import { acquireFileLock } from '../scopes/file-lock.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { emptyRecords, parseRecords, renderRecords, type WorktreeRecords } from './records.js';

export async function readRecords(stateDir: string): Promise<WorktreeRecords> {
  const file = statePaths(stateDir).worktrees;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyRecords();
    throw error;
  }
  return parseRecords(text, file);
}

export type SaveRecords = (next: WorktreeRecords) => Promise<void>;

/** Run `body` holding the record's lock; `save` replaces the record atomically (temp → fsync → rename). */
export async function withRecords<T>(
  stateDir: string,
  body: (records: WorktreeRecords, save: SaveRecords) => Promise<T>,
): Promise<T> {
  const paths = statePaths(stateDir);
  await mkdir(stateDir, { recursive: true });
  const held = await acquireFileLock(paths.worktreesLock);
  try {
    return await body(await readRecords(stateDir), (next) =>
      writeFileAtomic(paths.worktrees, renderRecords(next)),
    );
  } finally {
    await held.release();
  }
}

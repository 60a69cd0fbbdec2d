/**
 * The embedded lease backend: one JSON state file in `<git-common-dir>/gitfence/leases/`, changed
 * only under the file lock and only by atomic replacement (temp → fsync → rename → directory
 * fsync), so after a kill -9 at any point the file is the old state or the new one, whole.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDirectory } from '../util/atomic-write.js';
import { acquireFileLock, type CrashPoint, type FileLockOptions } from './file-lock.js';
import { appendHistory, readHistory } from './history.js';
import {
  activeLeases,
  applyAcquire,
  applyRelease,
  applyRenew,
  emptyState,
  parseState,
} from './ledger.js';
import { removeScopeFiles, scopeFileChanges, scopesDirFor, writeScopeFiles } from './scope-file.js';
import type { LeaseBackend, LeaseState } from './types.js';

export const leaseFiles = (dir: string) => ({
  state: join(dir, 'leases.json'),
  lock: join(dir, 'lock'),
});

export interface FileStoreOptions {
  /** `statePaths(stateDir).leases`. */
  dir: string;
  /** The shim's per-agent scope files (default `<stateDir>/scopes`, next to `dir`). */
  scopesDir?: string;
  /** The store's clock: every created/expires time comes from here, read under the lock. */
  now?: () => number;
  newId?: () => string;
  lock?: Omit<FileLockOptions, 'onStep'>;
  /** Crash-point hook for tests that kill a real child process mid-write. */
  onStep?: (point: CrashPoint) => void;
}

export const newLeaseId = (): string => `l-${randomBytes(4).toString('hex')}`;

/** The state file, or the empty state when there is none yet. */
export async function loadLeaseState(dir: string): Promise<LeaseState> {
  const file = leaseFiles(dir).state;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
    throw error;
  }
  return parseState(text, file);
}

async function writeState(
  file: string,
  state: LeaseState,
  onStep?: (point: CrashPoint) => void,
): Promise<void> {
  const dir = join(file, '..');
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(temp, 'wx', 0o644);
  try {
    await handle.writeFile(`${JSON.stringify(state)}\n`);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  onStep?.('state-temp-written');
  await rename(temp, file);
  onStep?.('state-renamed');
  await fsyncDirectory(dir);
}

export function createFileLeaseStore(options: FileStoreOptions): LeaseBackend {
  const { dir, now = Date.now, onStep } = options;
  const files = leaseFiles(dir);
  const scopesDir = options.scopesDir ?? scopesDirFor(dir);

  /** One locked read-modify-write; `change` is pure and returns the next state (or the same one). */
  async function transact<T>(
    change: (state: LeaseState, at: number) => { state: LeaseState; value: T },
  ): Promise<T> {
    await mkdir(dir, { recursive: true });
    const held = await acquireFileLock(files.lock, { ...options.lock, onStep });
    try {
      const previous = await loadLeaseState(dir);
      const { state, value } = change(previous, now());
      // Every real change records an event; no event means nothing to write.
      if (state.journal.length > 0) {
        // Scope files follow the committed state: the changed ones go before the commit and come
        // back after it, so a crash in between leaves them missing (the shim delegates), never stale.
        const { changed, files: after } = scopeFileChanges(previous.leases, state.leases);
        await removeScopeFiles(scopesDir, changed);
        await appendHistory(dir, previous.journal);
        onStep?.('history-appended');
        await writeState(files.state, state, onStep);
        await writeScopeFiles(scopesDir, changed, after);
      }
      return value;
    } finally {
      await held.release();
    }
  }

  return {
    acquire: (request) =>
      transact((state, at) => {
        const { state: next, result } = applyAcquire(state, request, at, () => {
          let id = (options.newId ?? newLeaseId)();
          while (state.leases.some((l) => l.id === id)) id = newLeaseId();
          return id;
        });
        return { state: next, value: result };
      }),
    renew: (request) =>
      transact((state, at) => {
        const { state: next, renewed } = applyRenew(state, request, at);
        return { state: next, value: renewed };
      }),
    release: (request) =>
      transact((state, at) => {
        const { state: next, released } = applyRelease(state, request, at);
        return { state: next, value: released };
      }),
    async list(listOptions = {}) {
      const state = await loadLeaseState(dir);
      const active = activeLeases(state, now());
      if (!listOptions.history) return { active, history: [] };
      return { active, history: await readHistory(dir, state.journal) };
    },
  };
}

/** Where temporary indexes and object stores go: inside the state dir, which stays writable while `.git` is write-locked. */
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A save or apply never takes this long; a temp dir this old was left by a killed process. */
const STALE_MS = 6 * 60 * 60 * 1000;

// Synchronous: a directory or two on every save, each cheaper than a round trip through the thread pool.
export async function tempRootFor(stateDir: string, now: number = Date.now()): Promise<string> {
  const dir = join(stateDir, 'tmp');
  try {
    mkdirSync(dir, { recursive: true });
  } catch {
    // no state dir and none can be made: the system temp dir still keeps the repository untouched
    return tmpdir();
  }
  removeStale(dir, now);
  return dir;
}

function removeStale(dir: string, now: number): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!/^gitfence-(patch|apply)-/.test(name)) continue;
    try {
      if (now - statSync(join(dir, name)).mtimeMs > STALE_MS) {
        rmSync(join(dir, name), { recursive: true, force: true });
      }
    } catch {
      // gone already, or not ours to remove
    }
  }
}

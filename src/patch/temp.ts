/** Where temporary indexes and object stores go: inside the state dir, which stays writable while `.git` is write-locked. */
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A save or apply never takes this long; a temp dir this old was left by a killed process. */
const STALE_MS = 6 * 60 * 60 * 1000;

export async function tempRootFor(stateDir: string, now: number = Date.now()): Promise<string> {
  const dir = join(stateDir, 'tmp');
  try {
    await mkdir(dir, { recursive: true });
  } catch {
    // no state dir and none can be made: the system temp dir still keeps the repository untouched
    return tmpdir();
  }
  await removeStale(dir, now);
  return dir;
}

async function removeStale(dir: string, now: number): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!/^gitfence-(patch|apply)-/.test(name)) continue;
    try {
      if (now - (await stat(join(dir, name))).mtimeMs > STALE_MS) {
        await rm(join(dir, name), { recursive: true, force: true });
      }
    } catch {
      // gone already, or not ours to remove
    }
  }
}

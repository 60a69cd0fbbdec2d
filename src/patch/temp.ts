/** Where temporary indexes and object stores go: inside the state dir, which stays writable while `.git` is write-locked. */
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function tempRootFor(stateDir: string): Promise<string> {
  const dir = join(stateDir, 'tmp');
  try {
    await mkdir(dir, { recursive: true });
    return dir;
  } catch {
    // no state dir and none can be made: the system temp dir still keeps the repository untouched
    return tmpdir();
  }
}

/** Can we write into a directory right now? A temp file is created and removed again. */
import { randomBytes } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';

export type ProbeResult = { writable: true } | { writable: false; errno: string; message: string };

/** errno values that mean "something keeps this directory from being written". */
export const READ_ONLY_ERRNOS = new Set(['EROFS', 'EACCES', 'EPERM']);

export async function probeWritable(dir: string): Promise<ProbeResult> {
  const probe = join(dir, `.gitfence-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    const handle = await open(probe, 'wx', 0o600);
    await handle.close();
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    return { writable: false, errno: err.code ?? 'UNKNOWN', message: err.message };
  }
  await rm(probe, { force: true });
  return { writable: true };
}

/**
 * Appending to the audit log, safe under concurrent writers: each line is one write(2) on an
 * O_APPEND descriptor (the kernel never interleaves those on a local file), and rotation happens
 * under an exclusive lock file so only one writer renames at a time. A line is never dropped.
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
  constants,
} from 'node:fs';
import { dirname } from 'node:path';
import { GitfenceError } from '../errors.js';
import type { AuditEntry } from './entry.js';

export interface AuditTarget {
  file: string;
  maxBytes: number;
  keep: number;
}

/** A lock older than this was left by a crashed writer. */
const STALE_LOCK_MS = 10_000;

export function rotatedName(file: string, n: number): string {
  return `${file}.${n}`;
}

function tryLock(lockFile: string, now: number): boolean {
  try {
    closeSync(openSync(lockFile, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return false;
    try {
      if (now - statSync(lockFile).mtimeMs > STALE_LOCK_MS) rmSync(lockFile, { force: true });
    } catch {
      // gone already
    }
    return false;
  }
}

/** Shift `file` → `.1` → `.2` …, dropping what falls past `keep`. Only under the lock. */
function rotate(target: AuditTarget, incoming: number, now: number): void {
  const lockFile = `${target.file}.lock`;
  if (!tryLock(lockFile, now)) return; // someone else rotates; appending to either file loses nothing
  try {
    let size = 0;
    try {
      size = statSync(target.file).size;
    } catch {
      return;
    }
    if (size + incoming <= target.maxBytes) return; // rotated meanwhile
    rmSync(rotatedName(target.file, target.keep), { force: true });
    for (let n = target.keep - 1; n >= 1; n--) {
      const from = rotatedName(target.file, n);
      if (existsSync(from)) renameSync(from, rotatedName(target.file, n + 1));
    }
    renameSync(target.file, rotatedName(target.file, 1));
  } finally {
    rmSync(lockFile, { force: true });
  }
}

export function appendAuditEntry(target: AuditTarget, entry: AuditEntry, now = Date.now()): void {
  const line = Buffer.from(`${JSON.stringify(entry)}\n`, 'utf8');
  try {
    mkdirSync(dirname(target.file), { recursive: true });
    let size = 0;
    try {
      size = statSync(target.file).size;
    } catch {
      size = 0;
    }
    if (size > 0 && size + line.length > target.maxBytes) rotate(target, line.length, now);
    const fd = openSync(
      target.file,
      constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT,
      0o644,
    );
    try {
      const written = writeSync(fd, line, 0, line.length);
      if (written !== line.length)
        throw new Error(`short write: ${written} of ${line.length} bytes`);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw new GitfenceError('IO', 'cannot append to the audit log', {
      where: target.file,
      got: (error as Error).message,
      hint: 'check that the gitfence state directory is writable (it must stay writable under the .git write-lock)',
    });
  }
}

/**
 * Who holds a lock file, precisely enough to tell a dead holder from a live one: pid, host, and the
 * kernel's start time of that pid (so a recycled pid is not mistaken for the holder).
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

export interface ProcessIdentity {
  pid: number;
  host: string;
  /** Field 22 of /proc/<pid>/stat (clock ticks since boot); null where /proc is not available. */
  startTicks: string | null;
}

function readStat(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: count from the last `)`.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

export function readStartTicks(pid: number): string | null {
  return readStat(pid)?.[19] ?? null;
}

let self: ProcessIdentity | undefined;

export function currentProcess(): ProcessIdentity {
  self ??= { pid: process.pid, host: hostname(), startTicks: readStartTicks(process.pid) };
  return self;
}

export type Liveness = 'alive' | 'dead' | 'unknown';

/**
 * Is the recorded holder still running? `dead` is only said when it is certain: same host, and the
 * pid is gone or now belongs to a process that started at another time.
 */
export function livenessOf(holder: ProcessIdentity): Liveness {
  if (holder.host !== currentProcess().host) return 'unknown';
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return 'dead';
    if (code !== 'EPERM') return 'unknown';
  }
  if (holder.startTicks === null) return 'alive';
  const stat = readStat(holder.pid);
  if (stat === null) return currentProcess().startTicks === null ? 'alive' : 'dead';
  // A killed process its parent has not reaped yet is a zombie: it will never release anything.
  if (stat[0] === 'Z' || stat[0] === 'X') return 'dead';
  return stat[19] === holder.startTicks ? 'alive' : 'dead';
}

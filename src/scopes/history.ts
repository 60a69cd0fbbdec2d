/**
 * Lease history for audit: granted, renewed, released and expired events, one JSON line each, in a
 * bounded file (rotated once to `history.1.jsonl`). The state file is the truth; the history copies
 * each write's journal on the next write, so a crash may repeat a line (dropped by event id on read)
 * but never loses one.
 */
import { appendFile, open, readFile, rename, stat } from 'node:fs/promises';
import type { HistoryEvent } from './types.js';

export const HISTORY_MAX_BYTES = 256 * 1024;

export const historyFiles = (dir: string) => ({
  current: `${dir}/history.jsonl`,
  previous: `${dir}/history.1.jsonl`,
});

async function endsWithNewline(file: string, size: number): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const { buffer } = await handle.read(Buffer.alloc(1), 0, 1, size - 1);
    return buffer[0] === 0x0a;
  } finally {
    await handle.close();
  }
}

/** Append events (under the store lock); rotates first when the file is over its bound. */
export async function appendHistory(
  dir: string,
  events: HistoryEvent[],
  maxBytes = HISTORY_MAX_BYTES,
): Promise<void> {
  if (events.length === 0) return;
  const files = historyFiles(dir);
  let lead = '';
  try {
    const size = (await stat(files.current)).size;
    if (size > maxBytes) await rename(files.current, files.previous);
    else if (size > 0 && !(await endsWithNewline(files.current, size))) lead = '\n';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  // `lead` ends a line a crash cut short, so it does not swallow the first new event.
  await appendFile(files.current, lead + events.map((e) => `${JSON.stringify(e)}\n`).join(''));
}

async function readLines(file: string): Promise<HistoryEvent[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const events: HistoryEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      events.push(JSON.parse(line) as HistoryEvent);
    } catch {
      // A line cut short by a crash mid-append: the journal copy is repeated on the next write.
    }
  }
  return events;
}

/** Oldest first, each event once. */
export async function readHistory(
  dir: string,
  pending: HistoryEvent[] = [],
): Promise<HistoryEvent[]> {
  const files = historyFiles(dir);
  const all = [
    ...(await readLines(files.previous)),
    ...(await readLines(files.current)),
    ...pending,
  ];
  const seen = new Set<string>();
  return all.filter((event) => {
    if (seen.has(event.eid)) return false;
    seen.add(event.eid);
    return true;
  });
}

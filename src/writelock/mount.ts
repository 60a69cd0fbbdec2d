/** Which mount holds a path, and is it read-only: Linux `/proc/self/mountinfo`, macOS `mount` output. */
import { realpathSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import type { Platform } from './platform.js';

export interface MountEntry {
  mountPoint: string;
  fsType: string;
  source: string;
  /** Per-mount options (`ro`, `nosuid`, …) merged with the superblock's. */
  options: string[];
  readOnly: boolean;
}

/** mountinfo escapes space, tab, newline and backslash as octal. */
function unescapeOctal(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

export function parseMountInfo(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const fields = left.split(' ');
    const mountPoint = fields[4];
    const mountOptions = fields[5]?.split(',') ?? [];
    const [fsType = '', source = '', superOptions = ''] = right.split(' ');
    if (!mountPoint) continue;
    const options = [...mountOptions, ...superOptions.split(',')];
    entries.push({
      mountPoint: unescapeOctal(mountPoint),
      fsType,
      source: unescapeOctal(source),
      options,
      readOnly: mountOptions.includes('ro') || superOptions.split(',').includes('ro'),
    });
  }
  return entries;
}

/** macOS/BSD: `/dev/disk1s1 on / (apfs, local, read-only, journaled)`. */
export function parseMountOutput(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const match = /^(.+?) on (.+?) \((.+)\)\s*$/.exec(line);
    if (!match) continue;
    const options = match[3]!.split(',').map((part) => part.trim());
    entries.push({
      mountPoint: match[2]!,
      fsType: options[0] ?? '',
      source: match[1]!,
      options,
      readOnly: options.includes('read-only') || options.includes('rdonly'),
    });
  }
  return entries;
}

function contains(mountPoint: string, path: string): boolean {
  if (mountPoint === '/') return true;
  return (
    path === mountPoint || path.startsWith(mountPoint.endsWith(sep) ? mountPoint : mountPoint + sep)
  );
}

/** The mount containing `path`: the longest mount point that is a prefix; a later mount over the same point wins. */
export function findMount(entries: MountEntry[], path: string): MountEntry | null {
  let best: MountEntry | null = null;
  for (const entry of entries) {
    if (!contains(entry.mountPoint, path)) continue;
    if (!best || entry.mountPoint.length >= best.mountPoint.length) best = entry;
  }
  return best;
}

export function realPathOrResolved(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

export async function loadMountTable(platform: Platform): Promise<MountEntry[]> {
  const info = platform.readMountInfo();
  if (info !== null) return parseMountInfo(info);
  if (platform.facts.os === 'darwin') {
    const result = await platform.run('/sbin/mount', []);
    if (result.code === 0) return parseMountOutput(result.stdout);
  }
  return [];
}

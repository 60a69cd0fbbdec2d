/** Durations and sizes as policies and flags write them. */
import { GitfenceError } from '../errors.js';

const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};
const SIZE_UNITS: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };

/** Milliseconds from `90s`/`30m`/`4h`/`2d`/`500ms`, or a number of seconds. */
export function parseDuration(value: string | number, where = 'duration'): number {
  if (typeof value === 'number') return value * 1000;
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(value.trim());
  if (!match) {
    throw new GitfenceError('USAGE', 'invalid duration', {
      where,
      expected: 'a duration such as 90s, 30m, 4h (a bare number is seconds)',
      got: JSON.stringify(value),
    });
  }
  return Number(match[1]) * DURATION_UNITS[match[2] ?? 's']!;
}

/** Bytes from `512KB`/`5MB`, or a number of bytes. */
export function parseSize(value: string | number, where = 'size'): number {
  if (typeof value === 'number') return value;
  const match = /^(\d+)(B|KB|MB|GB)?$/.exec(value.trim());
  if (!match) {
    throw new GitfenceError('USAGE', 'invalid size', {
      where,
      expected: 'a size such as 512KB or 5MB',
      got: JSON.stringify(value),
    });
  }
  return Number(match[1]) * SIZE_UNITS[match[2] ?? 'B']!;
}

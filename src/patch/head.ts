/**
 * HEAD's commit and branch read straight from the ref files (one git process fewer on save-patch's
 * path); anything unusual (reftable, an unborn branch, a malformed file) returns null and the
 * caller asks `git rev-parse` instead. The reads are synchronous: a few tiny files, each cheaper
 * than a round trip through the thread pool.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const OID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

function text(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function resolveRef(commonDir: string, gitDir: string, ref: string, depth: number): string | null {
  if (depth > 5 || !/^refs\/[^\0\n]+$/.test(ref) || ref.split('/').includes('..')) return null;
  // per-worktree refs live in the worktree's git dir; branches in the common dir
  const loose = text(join(gitDir, ref)) ?? text(join(commonDir, ref));
  if (loose !== null) {
    const value = loose.trim();
    if (OID.test(value)) return value;
    if (value.startsWith('ref: ')) return resolveRef(commonDir, gitDir, value.slice(5), depth + 1);
    return null;
  }
  const packed = text(join(commonDir, 'packed-refs'));
  if (packed === null) return null;
  for (const line of packed.split('\n')) {
    const space = line.indexOf(' ');
    if (space === -1 || line.startsWith('#') || line.startsWith('^')) continue;
    if (line.slice(space + 1) === ref) {
      const oid = line.slice(0, space);
      return OID.test(oid) ? oid : null;
    }
  }
  return null;
}

export function readHeadFromFiles(
  gitDir: string,
  commonDir: string,
): { base: string; branch: string | null } | null {
  if (text(join(commonDir, 'reftable', 'tables.list')) !== null) return null;
  const head = text(join(gitDir, 'HEAD'))?.trim();
  if (!head) return null;
  if (OID.test(head)) return { base: head, branch: null };
  if (!head.startsWith('ref: ')) return null;
  const ref = head.slice(5);
  const base = resolveRef(commonDir, gitDir, ref, 0);
  if (!base) return null;
  return { base, branch: ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : ref };
}

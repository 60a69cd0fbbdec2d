/**
 * HEAD's commit and branch read straight from the ref files (one git process fewer on save-patch's
 * path); anything unusual (reftable, an unborn branch, a malformed file) returns null and the
 * caller asks `git rev-parse` instead.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

const OID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

async function text(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return null;
  }
}

async function resolveRef(
  commonDir: string,
  gitDir: string,
  ref: string,
  depth: number,
): Promise<string | null> {
  if (depth > 5 || !/^refs\/[^\0\n]+$/.test(ref) || ref.split('/').includes('..')) return null;
  // per-worktree refs live in the worktree's git dir; branches in the common dir
  const loose = (await text(join(gitDir, ref))) ?? (await text(join(commonDir, ref)));
  if (loose !== null) {
    const value = loose.trim();
    if (OID.test(value)) return value;
    if (value.startsWith('ref: ')) return resolveRef(commonDir, gitDir, value.slice(5), depth + 1);
    return null;
  }
  const packed = await text(join(commonDir, 'packed-refs'));
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

export async function readHeadFromFiles(
  gitDir: string,
  commonDir: string,
): Promise<{ base: string; branch: string | null } | null> {
  if ((await text(join(commonDir, 'reftable', 'tables.list'))) !== null) return null;
  const head = (await text(join(gitDir, 'HEAD')))?.trim();
  if (!head) return null;
  if (OID.test(head)) return { base: head, branch: null };
  if (!head.startsWith('ref: ')) return null;
  const ref = head.slice(5);
  const base = await resolveRef(commonDir, gitDir, ref, 0);
  if (!base) return null;
  return { base, branch: ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : ref };
}

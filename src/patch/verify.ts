/**
 * Verifying a patch against its metadata before anything changes (pure): the bytes are the ones
 * saved, the files are the ones declared, and every file lies inside the declared scopes.
 */
import { GitfenceError } from '../errors.js';
import type { PatchMetadata } from './metadata.js';
import { sha256Hex } from './metadata.js';
import { parsePatch, type PatchFile } from './parse.js';
import { pathInScopes } from './scope-match.js';

const HINT = 'do not apply it; ask the agent to save the patch again with `save-patch`';

function refused(
  message: string,
  where: string,
  details: { expected?: string; got?: string } = {},
): GitfenceError {
  return new GitfenceError('DENIED', `patch refused: ${message}`, {
    where,
    ...details,
    hint: HINT,
  });
}

/** Why a path in a patch is unsafe to write, or null. */
export function unsafePath(path: string): string | null {
  if (path.startsWith('/')) return 'is absolute';
  const parts = path.split('/');
  if (parts.includes('..')) return 'climbs out with `..`';
  if (parts.some((part) => part === '' || part === '.')) return 'has an empty or `.` component';
  if (parts.some((part) => part.toLowerCase() === '.git'))
    return 'writes inside a `.git` directory';
  return null;
}

/** Throws DENIED (42) for a tampered or out-of-scope patch, USAGE (2) for a malformed one. */
export function verifyPatch(patch: Buffer, metadata: PatchMetadata, where: string): PatchFile[] {
  const actual = sha256Hex(patch);
  if (actual !== metadata.sha256 || patch.length !== metadata.bytes) {
    throw refused(
      'the patch is not the one that was saved (its sha256 differs from the metadata); it was edited or corrupted',
      where,
      {
        expected: `sha256 ${metadata.sha256} (${metadata.bytes} bytes)`,
        got: `sha256 ${actual} (${patch.length} bytes)`,
      },
    );
  }
  const files = parsePatch(patch);
  if (files.length === 0) throw new GitfenceError('USAGE', 'the patch holds no files', { where });

  const declared = metadata.files;
  const describe = (f: { path: string; status: string; oldPath?: string | undefined }) =>
    `${f.status} ${f.oldPath ? `${f.oldPath} → ` : ''}${f.path}`;
  if (
    declared.length !== files.length ||
    declared.some((d, i) => describe(d) !== describe(files[i]!))
  ) {
    const first = files.findIndex((f, i) => !declared[i] || describe(declared[i]!) !== describe(f));
    throw refused('the files in the patch differ from the files its metadata declares', where, {
      expected: declared.map(describe).join(', ') || 'no files',
      got:
        files.map(describe).join(', ') +
        (first >= 0 ? ` (first difference at file ${first + 1})` : ''),
    });
  }
  for (const file of files) {
    for (const path of file.oldPath ? [file.oldPath, file.path] : [file.path]) {
      const unsafe = unsafePath(path);
      if (unsafe) throw refused(`the patch writes "${path}", which ${unsafe}`, where);
      if (!pathInScopes(path, metadata.scopes)) {
        throw refused(`"${path}" is outside the patch's declared scopes`, where, {
          expected: `paths inside ${metadata.scopes.join(', ')}`,
          got: path,
        });
      }
    }
  }
  return files;
}

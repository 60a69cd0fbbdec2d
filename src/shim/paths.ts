/** Where the running gitfence lives: the CLI entry and node binary the shim bakes in. */
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GitfenceError } from '../errors.js';
import { findPackageRoot as findRoot } from '../policy/package-root.js';

/** The package root, or an INTERNAL error when this module is not inside gitfence's package. */
export function findPackageRoot(from: string = fileURLToPath(import.meta.url)): string {
  const root = findRoot(from);
  if (root) return root;
  throw new GitfenceError('INTERNAL', 'cannot find the gitfence package root', {
    where: from,
    hint: 'reinstall gitfence',
  });
}

export function cliEntry(root: string = findPackageRoot()): string {
  return realpathSync(join(root, 'bin', 'gitfence.js'));
}

export function nodeBinary(): string {
  return realpathSync(process.execPath);
}

/** Where the running gitfence lives: the CLI entry and node binary the shim bakes in. */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GitfenceError } from '../errors.js';

/** The package root: the nearest directory above this module with gitfence's package.json. */
export function findPackageRoot(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'gitfence')
          return dir;
      } catch {
        // keep looking
      }
    }
    const parent = dirname(dir);
    if (parent === dir) {
      throw new GitfenceError('INTERNAL', 'cannot find the gitfence package root', {
        where: from,
        hint: 'reinstall gitfence',
      });
    }
    dir = parent;
  }
}

export function cliEntry(root: string = findPackageRoot()): string {
  return realpathSync(join(root, 'bin', 'gitfence.js'));
}

export function nodeBinary(): string {
  return realpathSync(process.execPath);
}

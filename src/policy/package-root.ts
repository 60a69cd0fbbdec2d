/** Where the running gitfence package lives: walk up from a module to the `package.json` named gitfence. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function findPackageRoot(fromUrl: string = import.meta.url): string | null {
  let dir = dirname(fileURLToPath(fromUrl));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'gitfence')
          return dir;
      } catch {
        // an unreadable manifest is not ours; keep walking
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** The compiled default preset the build writes (`gitfence compile --emit-default`). */
export function defaultPolicyPath(fromUrl: string = import.meta.url): string | null {
  const root = findPackageRoot(fromUrl);
  return root ? join(root, 'dist', 'default-policy.json') : null;
}

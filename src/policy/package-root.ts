/** Where the running gitfence package lives: walk up from a module to the `package.json` named gitfence. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** This module's file. import.meta.filename (Node ≥ 20.11; the hot bundles' banner) builds no URL. */
function thisFile(): string {
  const meta = import.meta as { filename?: string; url: string };
  return meta.filename ?? fileURLToPath(meta.url);
}

/** The nearest directory above `from` (a file path) holding the package.json named gitfence. */
export function findPackageRoot(from: string = thisFile()): string | null {
  let dir = dirname(from);
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
export function defaultPolicyPath(from: string = thisFile()): string | null {
  // Built code runs from <package>/dist/…: look beside it first, so a decision reads no manifest.
  const at = from.lastIndexOf(`${sep}dist${sep}`);
  if (at >= 0) {
    const beside = join(from.slice(0, at), 'dist', 'default-policy.json');
    if (existsSync(beside)) return beside;
  }
  const root = findPackageRoot(from);
  return root ? join(root, 'dist', 'default-policy.json') : null;
}

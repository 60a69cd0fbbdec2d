/** Bundle the lease child script once per test file, into a temp dir. */
import { build } from 'esbuild';
import { join } from 'node:path';
import { PROJECT_ROOT } from './sandbox.js';

export async function bundleLeaseChild(outDir: string): Promise<string> {
  const outfile = join(outDir, 'lease-child.mjs');
  await build({
    entryPoints: [join(PROJECT_ROOT, 'test/helpers/lease-child.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
  });
  return outfile;
}

/**
 * A real child process driving the file lease store, for the race and kill -9 tests. Bundled by
 * esbuild in the test. Modes:
 *   serve <dir>                     one JSON request per stdin line → one JSON result per stdout line
 *   churn <dir> <owner> [point n]   acquire/release forever, printing `G id token`, `R? id`, `R id`;
 *                                   with a crash point, SIGKILLs itself the n-th time it is reached
 */
import { createInterface } from 'node:readline';
import type { CrashPoint } from '../../src/scopes/file-lock.js';
import { createFileLeaseStore } from '../../src/scopes/file-store.js';

const [mode, dir, owner, point, nth] = process.argv.slice(2);
if (!dir) throw new Error('usage: lease-child serve|churn <dir> …');

let reached = 0;
const onStep = point
  ? (p: CrashPoint) => {
      if (p === point && ++reached === Number(nth ?? 1)) process.kill(process.pid, 'SIGKILL');
    }
  : undefined;
const store = createFileLeaseStore({ dir, onStep });
const HOUR = 3_600_000;

if (mode === 'serve') {
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    const request = JSON.parse(line) as { owner: string; patterns: string[]; exclusive?: boolean };
    try {
      const result = await store.acquire({
        owner: request.owner,
        patterns: request.patterns,
        exclusive: request.exclusive ?? true,
        reason: 'race',
        ttlMs: HOUR,
      });
      process.stdout.write(
        `${JSON.stringify(result.granted ? { granted: true, id: result.lease.id, token: result.lease.token } : { granted: false })}\n`,
      );
    } catch (error) {
      process.stdout.write(`${JSON.stringify({ error: String(error) })}\n`);
    }
  }
} else {
  process.stdout.write('ready\n');
  for (let n = 0; ; n++) {
    const result = await store.acquire({
      owner: owner!,
      patterns: [`churn/${owner}/${process.pid}/${n}/**`],
      exclusive: true,
      reason: 'churn',
      ttlMs: HOUR,
    });
    if (!result.granted) throw new Error('unexpected conflict');
    process.stdout.write(`G ${result.lease.id} ${result.lease.token}\n`);
    if (n % 3 === 2) {
      process.stdout.write(`R? ${result.lease.id}\n`);
      await store.release({
        selector: { id: result.lease.id, token: result.lease.token },
        by: owner!,
      });
      process.stdout.write(`R ${result.lease.id}\n`);
    }
  }
}

/** The detached watchdog that closes a push window when its lease runs out, even if the holder crashed. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WatchdogRequest } from './service.js';

/** bin/gitfence.js, found by walking up from this module (src/ in tests, dist/chunks/ when built). */
export function findCliPath(from: string = fileURLToPath(import.meta.url)): string | null {
  let dir = dirname(from);
  for (let i = 0; i < 6; i += 1) {
    const candidate = join(dir, 'bin', 'gitfence.js');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

export function watchdogArgs(cli: string, request: WatchdogRequest): string[] {
  return [
    cli,
    'write-lock',
    'watchdog',
    '--common-dir',
    request.commonDir,
    '--token',
    String(request.token),
  ];
}

export function spawnWatchdog(
  request: WatchdogRequest,
  env: Record<string, string | undefined> = process.env,
  cli: string | null = findCliPath(),
): number | undefined {
  if (!cli) return undefined;
  const child = spawn(process.execPath, watchdogArgs(cli, request), {
    detached: true,
    stdio: 'ignore',
    cwd: '/',
    env: env as NodeJS.ProcessEnv,
  });
  child.on('error', () => undefined);
  child.unref();
  return child.pid;
}

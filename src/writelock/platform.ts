/**
 * Platform facts behind one small interface, so the macOS paths can be tested on Linux with injected
 * facts and a recording command runner, while Linux runs for real.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export type OsKind = 'linux' | 'darwin' | 'other';

export interface PlatformFacts {
  os: OsKind;
  /** Effective uid 0: permission bits do not stop us (nor any other root process). */
  isRoot: boolean;
  /** Absolute path of `chattr` (Linux) when on PATH. */
  chattr: string | null;
  /** Absolute path of `lsattr` (Linux) when on PATH. */
  lsattr: string | null;
  /** Absolute path of `chflags` (macOS/BSD) when on PATH. */
  chflags: string | null;
  /** Linux: CAP_LINUX_IMMUTABLE is in the effective set (needed to set or clear `+i`). */
  canSetImmutable: boolean;
}

export interface CommandOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Platform {
  facts: PlatformFacts;
  /** Run a helper program (chattr, chflags, mount, df). */
  run(cmd: string, args: string[]): Promise<CommandOutcome>;
  /** Linux `/proc/self/mountinfo`, or null where there is none. */
  readMountInfo(): string | null;
}

/** CAP_LINUX_IMMUTABLE is capability number 9. */
const CAP_LINUX_IMMUTABLE = 9n;

export function parseCapEff(status: string): bigint | null {
  const match = /^CapEff:\s*([0-9a-fA-F]+)\s*$/m.exec(status);
  return match ? BigInt(`0x${match[1]}`) : null;
}

export function hasCapability(capEff: bigint | null, cap: bigint): boolean {
  return capEff !== null && (capEff & (1n << cap)) !== 0n;
}

export function findOnPath(
  name: string,
  env: Record<string, string | undefined>,
  extra: string[] = ['/usr/bin', '/bin', '/usr/sbin', '/sbin'],
): string | null {
  const dirs = [...(env.PATH ?? '').split(delimiter).filter(Boolean), ...extra];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

export function gatherPlatformFacts(
  env: Record<string, string | undefined> = process.env,
  platform: NodeJS.Platform = process.platform,
): PlatformFacts {
  const os: OsKind = platform === 'linux' ? 'linux' : platform === 'darwin' ? 'darwin' : 'other';
  const isRoot = typeof process.geteuid === 'function' ? process.geteuid() === 0 : false;
  let capEff: bigint | null = null;
  if (os === 'linux') {
    try {
      capEff = parseCapEff(readFileSync('/proc/self/status', 'utf8'));
    } catch {
      capEff = null;
    }
  }
  return {
    os,
    isRoot,
    chattr: os === 'linux' ? findOnPath('chattr', env) : null,
    lsattr: os === 'linux' ? findOnPath('lsattr', env) : null,
    chflags: os === 'darwin' ? findOnPath('chflags', env) : null,
    canSetImmutable: os === 'linux' ? hasCapability(capEff, CAP_LINUX_IMMUTABLE) : isRoot,
  };
}

export function runCommand(cmd: string, args: string[]): Promise<CommandOutcome> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => resolve({ code: 127, stdout: '', stderr: String(error) }));
    child.on('close', (code) =>
      resolve({
        code: code ?? 1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
}

export function createPlatform(env: Record<string, string | undefined> = process.env): Platform {
  const facts = gatherPlatformFacts(env);
  return {
    facts,
    run: runCommand,
    readMountInfo() {
      if (facts.os !== 'linux') return null;
      try {
        return readFileSync('/proc/self/mountinfo', 'utf8');
      } catch {
        return null;
      }
    },
  };
}

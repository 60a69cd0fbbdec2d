/** The policy's write-lock settings, read from the compiled policy; defaults when none is compiled. */
import { readFile } from 'node:fs/promises';
import { statePaths } from '../repo/state-paths.js';
import { parseDuration } from '../util/units.js';

export interface WriteLockSettings {
  mode: 'auto' | 'immutable' | 'chmod';
  pushWindowTtlMs: number;
}

export const DEFAULT_SETTINGS: WriteLockSettings = { mode: 'auto', pushWindowTtlMs: 120_000 };

export function compileWriteLockSettings(raw: unknown): WriteLockSettings {
  const writeLock = (raw as { settings?: { writeLock?: Record<string, unknown> } } | null)?.settings
    ?.writeLock;
  const mode = writeLock?.mode;
  const ttl = writeLock?.pushWindowTtl;
  return {
    mode:
      mode === 'immutable' || mode === 'chmod' || mode === 'auto' ? mode : DEFAULT_SETTINGS.mode,
    pushWindowTtlMs:
      typeof ttl === 'string' || typeof ttl === 'number'
        ? parseDuration(ttl, 'writeLock.pushWindowTtl')
        : DEFAULT_SETTINGS.pushWindowTtlMs,
  };
}

/** Locking is the protective direction, so a missing policy falls back to the defaults (`auto`, 120 s). */
export async function loadWriteLockSettings(stateDir: string): Promise<WriteLockSettings> {
  try {
    return compileWriteLockSettings(
      JSON.parse(await readFile(statePaths(stateDir).compiledPolicy, 'utf8')),
    );
  } catch {
    return DEFAULT_SETTINGS;
  }
}

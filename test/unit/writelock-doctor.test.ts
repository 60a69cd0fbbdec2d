import { describe, expect, it } from 'vitest';
import { compileWriteLockLines, renderExplainError } from '../../src/doctor/writelock.js';
import type { Platform, PlatformFacts } from '../../src/writelock/platform.js';
import { initialState } from '../../src/writelock/state.js';

function platform(overrides: Partial<PlatformFacts> = {}): Platform {
  return {
    facts: {
      os: 'linux',
      isRoot: true,
      chattr: '/usr/bin/chattr',
      lsattr: null,
      chflags: null,
      canSetImmutable: true,
      ...overrides,
    },
    run: async () => ({ code: 0, stdout: '', stderr: '' }),
    readMountInfo: () => null,
  };
}

const base = {
  stateError: null,
  probe: { writable: true as const },
  settings: { mode: 'auto' as const, pushWindowTtlMs: 120_000 },
  now: 1000,
  watchdogAlive: null,
};

describe('doctor write-lock check', () => {
  it('says unlocked is the default and immutable flags are available', () => {
    const lines = compileWriteLockLines({ ...base, state: null, platform: platform() });
    expect(lines.map((l) => l.status)).toEqual(['ok', 'ok']);
    expect(lines[0]!.message).toBe('unlocked (the default)');
  });

  it('warns that root ignores chmod mode', () => {
    const state = { ...initialState(0), state: 'locked' as const, mode: 'chmod' as const };
    const lines = compileWriteLockLines({ ...base, state, platform: platform() });
    expect(lines[0]).toMatchObject({
      status: 'warn',
      message: expect.stringMatching(/locked \(chmod\).*root/),
    });
  });

  it('fails on drift and reports an external lock', () => {
    const state = { ...initialState(0), state: 'locked' as const, mode: 'immutable' as const };
    expect(
      compileWriteLockLines({ ...base, state, platform: platform() }).some(
        (l) => l.status === 'fail',
      ),
    ).toBe(true);
    const external = compileWriteLockLines({
      ...base,
      state: null,
      probe: { writable: false, errno: 'EROFS', message: '' },
      platform: platform(),
    });
    expect(external[0]!.message).toMatch(/locked \(external\).*EROFS/);
  });

  it('reports an open window without a live watchdog, and an expired one', () => {
    const lease = { holder: 'orch', token: 3, acquiredAt: 0, expiresAt: 5000, rearm: true };
    const open = compileWriteLockLines({
      ...base,
      state: { ...initialState(0), lease },
      watchdogAlive: false,
      platform: platform(),
    });
    expect(open.map((l) => l.message).join('\n')).toMatch(
      /holder orch, token 3[\s\S]*no live watchdog/,
    );
    const expired = compileWriteLockLines({
      ...base,
      now: 9000,
      state: { ...initialState(0), lease },
      platform: platform(),
    });
    expect(expired.some((l) => /expired/.test(l.message) && l.status === 'warn')).toBe(true);
  });

  it('macOS uchg and missing flags tools are warned about', () => {
    const mac = compileWriteLockLines({
      ...base,
      state: null,
      platform: platform({ os: 'darwin', isRoot: false, chflags: '/usr/bin/chflags' }),
    });
    expect(mac.at(-1)!.message).toMatch(/uchg.*owner/);
    const none = compileWriteLockLines({
      ...base,
      state: null,
      settings: { mode: 'immutable', pushWindowTtlMs: 1 },
      platform: platform({ chattr: null }),
    });
    expect(none.at(-1)).toMatchObject({ status: 'fail' });
  });

  it('explains a pasted error outside a repository', async () => {
    expect(
      await renderExplainError(
        "fatal: Unable to create '/r/.git/index.lock': Read-only file system",
        null,
      ),
    ).toMatch(/read-only/);
    expect(await renderExplainError('hello', null)).toMatch(/not a lock or permission error/);
  });
});

import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isGitfenceError } from '../../src/errors.js';
import { discoverRepo, type RepoInfo } from '../../src/repo/discover.js';
import { statePaths } from '../../src/repo/state-paths.js';
import { batchPaths, immutableUnavailableReason } from '../../src/writelock/apply.js';
import {
  compileWriteLockFact,
  readWriteLockFact,
  renderStatusLine,
} from '../../src/writelock/facts.js';
import { findMount, parseMountInfo, parseMountOutput } from '../../src/writelock/mount.js';
import {
  hasCapability,
  parseCapEff,
  type Platform,
  type PlatformFacts,
} from '../../src/writelock/platform.js';
import { resolveRealGitFor } from '../../src/shim/resolve-git.js';
import { createGitRunner } from '../../src/util/git-runner.js';
import {
  ensureWriteLockState,
  lockRepo,
  relockRepo,
  resolveLockMode,
  runWatchdog,
  unlockForPush,
  unlockRepo,
  type WriteLockDeps,
} from '../../src/writelock/service.js';
import { compileWriteLockSettings } from '../../src/writelock/settings.js';
import { currentProcess } from '../../src/scopes/process-identity.js';
import { initialState, parseState, withStateMutex } from '../../src/writelock/state.js';
import { gatherLockTargets, parseGitFile } from '../../src/writelock/targets.js';

const ENV = {
  PATH: process.env.PATH,
  HOME: '/nonexistent',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@example.com',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@example.com',
};

function facts(overrides: Partial<PlatformFacts>): PlatformFacts {
  return {
    os: 'linux',
    isRoot: false,
    chattr: null,
    lsattr: null,
    chflags: null,
    canSetImmutable: false,
    ...overrides,
  };
}

/** A platform whose helper commands are recorded, not run. */
function recordingPlatform(f: PlatformFacts) {
  const calls: Array<{ cmd: string; args: string[] }> = [];
  const platform: Platform = {
    facts: f,
    run: async (cmd, args) => {
      calls.push({ cmd, args });
      return { code: 0, stdout: '', stderr: '' };
    },
    readMountInfo: () => null,
  };
  return { platform, calls };
}

let root: string;
let repo: RepoInfo;
const git = createGitRunner(resolveRealGitFor(ENV, ENV.HOME), ENV);

function sh(cwd: string, ...args: string[]) {
  execFileSync('git', args, { cwd, env: ENV as NodeJS.ProcessEnv, stdio: 'pipe' });
}

beforeEach(async () => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'gitfence-writelock-unit-')));
  const dir = join(root, 'repo');
  sh(root, 'init', '-q', '-b', 'main', dir);
  writeFileSync(join(dir, 'a.txt'), 'a\n');
  sh(dir, 'add', 'a.txt');
  sh(dir, 'commit', '-q', '-m', 'one');
  sh(dir, 'worktree', 'add', '-q', join(root, 'wt'));
  repo = (await discoverRepo(dir, git))!;
});

afterEach(async () => {
  // chmod-mode tests leave read-only dirs when they fail midway; restore before deleting.
  execFileSync('chmod', ['-R', 'u+w', root]);
  rmSync(root, { recursive: true, force: true });
});

function depsWith(
  platform: Platform,
  clock: { now: number },
  mode: 'auto' | 'immutable' | 'chmod' = 'chmod',
): WriteLockDeps {
  return {
    git,
    platform,
    now: () => clock.now,
    startWatchdog: () => undefined,
    loadSettings: async () => ({ mode, pushWindowTtlMs: 120_000 }),
  };
}

describe('targets', () => {
  it('flags git dirs, refs, HEAD, index, config, linked worktree dirs; skips gitfence/ and object files', async () => {
    const targets = await gatherLockTargets(repo, git);
    const rel = (p: string) => p.slice(repo.commonDir.length);
    const dirs = targets.dirs.map(rel);
    const files = targets.files.map(rel);
    expect(dirs[0]).toBe('');
    expect(dirs).toContain('/refs/heads');
    expect(dirs).toContain('/objects');
    expect(dirs).toContain('/hooks');
    expect(dirs).toContain('/worktrees/wt');
    expect(files).toEqual(
      expect.arrayContaining([
        '/HEAD',
        '/index',
        '/config',
        '/refs/heads/main',
        '/worktrees/wt/HEAD',
      ]),
    );
    expect(files.some((f) => f.startsWith('/objects/'))).toBe(false);
    expect(dirs.some((d) => d.startsWith('/gitfence'))).toBe(false);
    expect(targets.worktreeGitDirs).toEqual([join(repo.commonDir, 'worktrees', 'wt')]);
  });

  it('parses .git files', () => {
    expect(parseGitFile('gitdir: ../r/.git/worktrees/w\n', '/x/w')).toBe('/x/r/.git/worktrees/w');
    expect(parseGitFile('nothing', '/x')).toBeNull();
  });

  it('batches long path lists', () => {
    const paths = Array.from({ length: 100 }, (_, i) => `/p/${String(i).padStart(4, '0')}`);
    const batches = batchPaths(paths, 60);
    expect(batches.flat()).toEqual(paths);
    expect(Math.max(...batches.map((b) => b.join(' ').length))).toBeLessThanOrEqual(60);
  });
});

describe('macOS immutable flags (injected platform)', () => {
  it('locks with chflags uchg as a user, records it, and clears it on unlock', async () => {
    const { platform, calls } = recordingPlatform(
      facts({ os: 'darwin', chflags: '/usr/bin/chflags' }),
    );
    const clock = { now: 1000 };
    const deps = depsWith(platform, clock, 'auto');
    const locked = await lockRepo(repo, deps);
    expect(locked.fact).toEqual({ state: 'locked', mode: 'immutable' });
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((c) => c.cmd === '/usr/bin/chflags' && c.args[0] === 'uchg')).toBe(true);
    const flagged = calls.flatMap((c) => c.args.slice(1));
    expect(flagged).toContain(repo.commonDir);
    expect(flagged).toContain(join(repo.commonDir, 'HEAD'));
    expect(flagged).not.toContain(repo.stateDir);
    expect(JSON.parse(readFileSync(statePaths(repo.stateDir).writeLock, 'utf8'))).toMatchObject({
      state: 'locked',
      mode: 'immutable',
      flag: 'uchg',
    });
    calls.length = 0;
    await unlockRepo(repo, deps);
    expect(calls.every((c) => c.args[0] === 'nouchg')).toBe(true);
    expect(calls.flatMap((c) => c.args.slice(1))).toContain(repo.commonDir);
  });

  it('uses schg as root (the owner cannot clear it)', async () => {
    const { platform, calls } = recordingPlatform(
      facts({ os: 'darwin', chflags: '/usr/bin/chflags', isRoot: true }),
    );
    await lockRepo(repo, depsWith(platform, { now: 1 }, 'immutable'));
    expect(calls[0]?.args[0]).toBe('schg');
  });

  it('auto falls back to chmod where no flags tool exists; immutable refuses with a reason', () => {
    const { platform } = recordingPlatform(
      facts({ os: 'linux', chattr: '/usr/bin/chattr', canSetImmutable: false }),
    );
    expect(resolveLockMode('auto', platform).mode).toBe('chmod');
    expect(resolveLockMode('auto', platform).note).toMatch(/CAP_LINUX_IMMUTABLE/);
    expect(() => resolveLockMode('immutable', platform)).toThrow(/not available/);
    expect(immutableUnavailableReason(recordingPlatform(facts({ os: 'other' })).platform)).toMatch(
      /Linux and macOS/,
    );
  });
});

describe('leases (chmod mode, injected clock)', () => {
  it('one holder at a time; relock needs the holder and the current token; re-arms', async () => {
    const { platform } = recordingPlatform(facts({}));
    const clock = { now: 10_000 };
    const deps = depsWith(platform, clock);
    await lockRepo(repo, deps);
    expect(statSync(repo.commonDir).mode & 0o222).toBe(0);
    expect(statSync(repo.stateDir).mode & 0o200).toBe(0o200);

    const window = await unlockForPush(repo, deps, { holder: 'orch', ttlMs: 3000 });
    expect(window.lease).toMatchObject({
      holder: 'orch',
      token: 1,
      expiresAt: 13_000,
      rearm: true,
    });
    expect(statSync(repo.commonDir).mode & 0o200).toBe(0o200);
    expect(compileWriteLockFact(window.state, null, clock.now)).toEqual({
      state: 'unlocked',
      holder: 'orch',
      expiresAt: 13_000,
    });

    const denied = await unlockForPush(repo, deps, { holder: 'other' }).catch((e: unknown) => e);
    expect(isGitfenceError(denied) && denied.code).toBe('LOCK_CONFLICT');
    expect(String((denied as Error).message)).toMatch(/held by orch/);

    await expect(relockRepo(repo, deps, { holder: 'other' })).rejects.toThrow(/held by orch/);
    await expect(relockRepo(repo, deps, { holder: 'orch', token: 7 })).rejects.toThrow(/stale/);
    const relocked = await relockRepo(repo, deps, { holder: 'orch', token: 1 });
    expect(relocked.fact).toEqual({ state: 'locked', mode: 'chmod' });
    expect(statSync(repo.commonDir).mode & 0o222).toBe(0);

    // A stale token after a newer window was opened is refused.
    clock.now += 1000;
    await unlockForPush(repo, deps, { holder: 'other', ttlMs: 1000 });
    await expect(relockRepo(repo, deps, { holder: 'other', token: 1 })).rejects.toThrow(/stale/);
    await relockRepo(repo, deps, { holder: 'other', token: 2 });
    await unlockRepo(repo, deps);
  });

  it('the lazy check re-arms an expired window; the watchdog does too, and only for its own token', async () => {
    const { platform } = recordingPlatform(facts({}));
    const clock = { now: 0 };
    const deps = depsWith(platform, clock);
    await lockRepo(repo, deps);
    await unlockForPush(repo, deps, { holder: 'orch', ttlMs: 5000 });
    expect(await ensureWriteLockState(repo, clock.now, deps)).toMatchObject({
      state: 'unlocked',
      holder: 'orch',
    });
    clock.now = 5000;
    expect(await ensureWriteLockState(repo, clock.now, deps)).toEqual({
      state: 'locked',
      mode: 'chmod',
    });

    const second = await unlockForPush(repo, deps, { holder: 'orch', ttlMs: 5000 });
    const sleeps: number[] = [];
    const sleep = async (ms: number) => {
      sleeps.push(ms);
      clock.now += ms;
    };
    expect(await runWatchdog(repo, deps, second.lease.token - 1, sleep)).toBe('superseded');
    expect(await runWatchdog(repo, deps, second.lease.token, sleep)).toBe('rearmed');
    expect(sleeps.length).toBeGreaterThan(0);
    expect((await readWriteLockFact(repo, clock.now)).state).toBe('locked');
    await unlockRepo(repo, deps);
  });

  it('a window opened on an unlocked repo closes without locking; a plain unlock never re-arms', async () => {
    const { platform } = recordingPlatform(facts({}));
    const clock = { now: 0 };
    const deps = depsWith(platform, clock);
    const window = await unlockForPush(repo, deps, { holder: 'orch', ttlMs: 1000 });
    expect(window.lease.rearm).toBe(false);
    clock.now = 2000;
    expect(await ensureWriteLockState(repo, clock.now, deps)).toEqual({ state: 'unlocked' });
    await lockRepo(repo, deps);
    await unlockForPush(repo, deps, { holder: 'orch', ttlMs: 1000 });
    await unlockRepo(repo, deps);
    clock.now = 10_000;
    expect(await ensureWriteLockState(repo, clock.now, deps)).toEqual({ state: 'unlocked' });
    await expect(relockRepo(repo, deps, {})).rejects.toThrow(/nothing to relock/);
  });
});

describe('facts and records', () => {
  it('renders exactly one of the four status lines', () => {
    expect(renderStatusLine({ state: 'unlocked' })).toBe('unlocked');
    expect(renderStatusLine({ state: 'locked', mode: 'immutable' })).toBe('locked (immutable)');
    expect(renderStatusLine({ state: 'locked', mode: 'chmod' })).toBe('locked (chmod)');
    expect(renderStatusLine({ state: 'locked', mode: 'external' })).toBe('locked (external)');
  });

  it('a read-only probe without our lock is external; our record wins over the probe', () => {
    const ro = { writable: false as const, errno: 'EROFS', message: '' };
    expect(compileWriteLockFact(null, ro, 0)).toEqual({ state: 'locked', mode: 'external' });
    expect(
      compileWriteLockFact({ ...initialState(0), state: 'locked', mode: 'chmod' }, ro, 0),
    ).toEqual({
      state: 'locked',
      mode: 'chmod',
    });
    expect(compileWriteLockFact(null, { writable: true }, 0)).toEqual({ state: 'unlocked' });
  });

  it('a corrupt record is a clear error, and reads as locked for the evaluator', async () => {
    expect(() => parseState('{', '/x/writelock.json')).toThrow(/not valid JSON/);
    expect(() => parseState('{"format":"nope"}', '/x/writelock.json')).toThrow(/malformed/);
    mkdirSync(repo.stateDir, { recursive: true });
    writeFileSync(statePaths(repo.stateDir).writeLock, '{"format"');
    expect((await readWriteLockFact(repo)).state).toBe('locked');
  });

  it('reads the policy settings, defaulting when absent', () => {
    expect(compileWriteLockSettings(null)).toEqual({ mode: 'auto', pushWindowTtlMs: 120_000 });
    expect(
      compileWriteLockSettings({
        settings: { writeLock: { mode: 'chmod', pushWindowTtl: '30s' } },
      }),
    ).toEqual({
      mode: 'chmod',
      pushWindowTtlMs: 30_000,
    });
  });
});

describe('platform and mounts', () => {
  it('reads CAP_LINUX_IMMUTABLE from CapEff', () => {
    expect(hasCapability(parseCapEff('CapEff:\t000001fffeffffff\n'), 9n)).toBe(true);
    expect(hasCapability(parseCapEff('CapEff:\t0000000000000000\n'), 9n)).toBe(false);
    expect(parseCapEff('nothing')).toBeNull();
  });

  it('parses mountinfo (escapes, ro) and finds the innermost mount', () => {
    const info = [
      '27 1 254:0 / / rw,relatime - ext4 /dev/vda rw',
      '42 27 254:0 /tmp/a /tmp/a\\040b ro,relatime - ext4 /dev/vda rw',
      '43 27 0:5 / /tmp/x rw - tmpfs tmpfs ro',
    ].join('\n');
    const entries = parseMountInfo(info);
    expect(findMount(entries, '/tmp/a b/.git')).toMatchObject({
      mountPoint: '/tmp/a b',
      readOnly: true,
    });
    expect(findMount(entries, '/tmp/ab')).toMatchObject({ mountPoint: '/', readOnly: false });
    expect(findMount(entries, '/tmp/x/y')).toMatchObject({ mountPoint: '/tmp/x', readOnly: true });
  });

  it('parses macOS mount output', () => {
    const entries = parseMountOutput(
      '/dev/disk3s1s1 on / (apfs, sealed, local, read-only, journaled)\n/dev/disk3s5 on /System/Volumes/Data (apfs, local, journaled, nobrowse)\n',
    );
    expect(findMount(entries, '/System/Volumes/Data/Users/me')).toMatchObject({
      readOnly: false,
      fsType: 'apfs',
    });
    expect(findMount(entries, '/usr/bin')).toMatchObject({ mountPoint: '/', readOnly: true });
  });
});

describe('the record mutex', () => {
  it('serialises read-modify-write and breaks a mutex left by a dead process', async () => {
    const file = join(root, 'counter.json');
    writeFileSync(file, '0');
    const bump = () =>
      withStateMutex(file, async () => {
        const value = Number(readFileSync(file, 'utf8'));
        await new Promise((resolve) => setTimeout(resolve, 1));
        writeFileSync(file, String(value + 1));
      });
    await Promise.all(Array.from({ length: 20 }, bump));
    expect(readFileSync(file, 'utf8')).toBe('20');

    // the lease store's holder record: same host, a pid that has exited
    const holder = (pid: number, nonce: string) =>
      JSON.stringify({ ...currentProcess(), pid, startTicks: null, nonce, at: Date.now() });
    const dead = spawnSync('true').pid!;
    writeFileSync(`${file}.lock`, holder(dead, 'deadbeef'));
    await bump();
    expect(readFileSync(file, 'utf8')).toBe('21');
    expect(existsSync(`${file}.lock`)).toBe(false);

    const alive = JSON.stringify({ ...currentProcess(), nonce: 'alive', at: Date.now() });
    writeFileSync(`${file}.lock`, alive);
    await expect(withStateMutex(file, async () => 1, { waitMs: 50 })).rejects.toThrow(
      /the write-lock record is busy/,
    );
    expect(readFileSync(`${file}.lock`, 'utf8')).toBe(alive);
  });
});

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readActiveLeases } from '../../src/scopes/facts.js';
import { createFileLeaseStore } from '../../src/scopes/file-store.js';
import type { LeaseBackend } from '../../src/scopes/types.js';

const MIN = 60_000;

describe('file lease store with an injected clock', () => {
  let stateDir: string;
  let dir: string;
  let clock: number;
  let store: LeaseBackend;
  const acquire = (
    owner: string,
    patterns: string[],
    extra: { exclusive?: boolean; ttlMs?: number } = {},
  ) =>
    store.acquire({
      owner,
      patterns,
      exclusive: extra.exclusive ?? true,
      reason: `${owner} works`,
      ttlMs: extra.ttlMs ?? 30 * MIN,
    });

  beforeEach(() => {
    stateDir = mkdtempSync(join(tmpdir(), 'gitfence-lease-'));
    dir = join(stateDir, 'leases');
    clock = 1_000_000;
    store = createFileLeaseStore({ dir, now: () => clock });
  });
  afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

  it('grants with the store clock and monotonic fencing tokens', async () => {
    const a = await acquire('A', ['src/a/**']);
    clock += 5;
    const b = await acquire('B', ['docs/**']);
    expect(a).toMatchObject({
      granted: true,
      lease: { owner: 'A', createdAt: 1_000_000, expiresAt: 1_000_000 + 30 * MIN },
    });
    expect(b.granted && a.granted && b.lease.token > a.lease.token).toBe(true);
  });

  it('refuses an overlapping exclusive lease, naming holder, pattern and example', async () => {
    await acquire('A', ['src/a/**']);
    const r = await acquire('B', ['src/**/*.ts']);
    expect(r.granted).toBe(false);
    if (r.granted) return;
    expect(r.conflicts[0]).toMatchObject({
      lease: { owner: 'A' },
      held: 'src/a/**',
      requested: 'src/**/*.ts',
    });
    expect(r.conflicts[0]!.overlap.example).toMatch(/^src\/a\/.*\.ts$/);
  });

  it('lets shared leases coexist but not with an exclusive one', async () => {
    expect((await acquire('A', ['shared/**'], { exclusive: false })).granted).toBe(true);
    expect((await acquire('B', ['shared/**'], { exclusive: false })).granted).toBe(true);
    expect((await acquire('C', ['shared/x/**'])).granted).toBe(false);
  });

  it('expires lazily by the clock, records history, and frees the scope', async () => {
    await acquire('A', ['src/a/**'], { ttlMs: 10 * MIN });
    clock += 10 * MIN - 1;
    expect((await acquire('B', ['src/a/x.ts'])).granted).toBe(false);
    expect(await readActiveLeases(stateDir, clock)).toHaveLength(1);
    clock += 1;
    expect(await readActiveLeases(stateDir, clock)).toHaveLength(0);
    expect((await acquire('B', ['src/a/x.ts'])).granted).toBe(true);
    const { history } = await store.list({ history: true });
    expect(history.map((e) => `${e.kind}:${e.lease.owner}`)).toEqual([
      'granted:A',
      'expired:A',
      'granted:B',
    ]);
  });

  it('renews by id and token from the store clock, and rejects a stale token', async () => {
    const r = await acquire('A', ['src/a/**'], { ttlMs: 10 * MIN });
    if (!r.granted) throw new Error('not granted');
    clock += 9 * MIN;
    const [renewed] = await store.renew({
      selector: { id: r.lease.id, token: r.lease.token },
      ttlMs: 10 * MIN,
      by: 'A',
    });
    expect(renewed).toMatchObject({
      expiresAt: clock + 10 * MIN,
      renewedAt: clock,
      token: r.lease.token,
    });
    clock += 9 * MIN;
    expect((await acquire('B', ['src/a/**'])).granted).toBe(false);
    await expect(
      store.renew({ selector: { id: r.lease.id, token: r.lease.token + 1 }, ttlMs: MIN, by: 'A' }),
    ).rejects.toThrow(/stale fencing token/);
    clock += 2 * MIN;
    await expect(store.renew({ selector: { owner: 'A' }, ttlMs: MIN, by: 'A' })).rejects.toThrow(
      /holds no active lease/,
    );
  });

  it('releases by id + token or all of an owner, keeping the history', async () => {
    const one = await acquire('A', ['a/**']);
    await acquire('A', ['b/**']);
    await acquire('B', ['c/**']);
    if (!one.granted) throw new Error('not granted');
    expect(
      await store.release({
        selector: { id: one.lease.id, token: one.lease.token },
        by: 'orchestrator',
      }),
    ).toHaveLength(1);
    expect(await store.release({ selector: { owner: 'A' }, by: 'A' })).toHaveLength(1);
    const { active, history } = await store.list({ history: true });
    expect(active.map((l) => l.owner)).toEqual(['B']);
    expect(history.filter((e) => e.kind === 'released').map((e) => e.by)).toEqual([
      'orchestrator',
      'A',
    ]);
  });

  it('is an error, never "no leases", when the store is corrupt', async () => {
    await acquire('A', ['a/**']);
    writeFileSync(join(dir, 'leases.json'), '{"format":');
    await expect(readActiveLeases(stateDir, clock)).rejects.toThrow(/unreadable/);
    await expect(acquire('B', ['b/**'])).rejects.toThrow(/not valid JSON/);
  });

  it('takes over a lock left by a dead process', async () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'lock'),
      JSON.stringify({
        pid: 2 ** 22 + 17,
        host: (await import('node:os')).hostname(),
        startTicks: '1',
        nonce: 'dead',
        at: 0,
      }),
    );
    expect((await acquire('A', ['a/**'])).granted).toBe(true);
    expect(() => readFileSync(join(dir, 'lock'))).toThrow();
  });

  it('takes over when the process breaking a stale lock died too', async () => {
    mkdirSync(dir, { recursive: true });
    const host = (await import('node:os')).hostname();
    const dead = (nonce: string) =>
      JSON.stringify({ pid: 2 ** 22 + 19, host, startTicks: '1', nonce, at: 0 });
    writeFileSync(join(dir, 'lock'), dead('n1'));
    writeFileSync(join(dir, 'lock.break.n1'), dead('c1'));
    expect((await acquire('A', ['a/**'])).granted).toBe(true);
    expect(readdirSync(dir)).toEqual(['leases.json']);
  });

  it('waits for a live holder and never takes its lock', async () => {
    mkdirSync(dir, { recursive: true });
    const host = (await import('node:os')).hostname();
    const { readStartTicks } = await import('../../src/scopes/process-identity.js');
    writeFileSync(
      join(dir, 'lock'),
      JSON.stringify({
        pid: process.pid,
        host,
        startTicks: readStartTicks(process.pid),
        nonce: 'live',
        at: Date.now(),
      }),
    );
    const waiting = createFileLeaseStore({ dir, now: () => clock, lock: { waitMs: 200 } });
    await expect(
      waiting.acquire({ owner: 'A', patterns: ['a/**'], exclusive: true, reason: '', ttlMs: 1000 }),
    ).rejects.toThrow(/lease store is busy/);
    expect(JSON.parse(readFileSync(join(dir, 'lock'), 'utf8')).nonce).toBe('live');
  });
});

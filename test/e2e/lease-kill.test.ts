/**
 * kill -9 at random points of a write, 100 runs (plus every named crash point): the store always
 * parses, no grant a process saw is lost, none is duplicated, tokens stay monotonic, and the lock
 * left by a dead writer is taken over.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHistory } from '../../src/scopes/history.js';
import { createFileLeaseStore, loadLeaseState } from '../../src/scopes/file-store.js';
import { renderScopeFiles } from '../../src/scopes/scope-file.js';
import { bundleLeaseChild } from '../helpers/lease-bundle.js';

const RUNS = 100;
const CRASH_POINTS = [
  'lock-temp-written',
  'lock-linked',
  'history-appended',
  'state-temp-written',
  'state-renamed',
  'before-unlock',
];

interface Outcome {
  granted: Map<string, number>;
  releasing: Set<string>;
  released: Set<string>;
}

/** Run one churning child; kill it -9 after `delayMs` (or let it kill itself at a crash point). */
function churn(
  script: string,
  dir: string,
  owner: string,
  delayMs: number | null,
  crash?: [string, number],
) {
  return new Promise<Outcome>((resolve) => {
    const child = spawn(
      process.execPath,
      [script, 'churn', dir, owner, ...(crash ? [crash[0], String(crash[1])] : [])],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let armed = false;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      // from its first grant on (not from `ready`, which a loaded machine can leave far behind the
      // first write), so every run kills a writer somewhere inside its stream of writes
      if (!armed && delayMs !== null && /^G /m.test(out)) {
        armed = true;
        setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    // A crash-point child that never reaches its point would run forever: bound it.
    const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('exit', () => {
      clearTimeout(guard);
      const outcome: Outcome = { granted: new Map(), releasing: new Set(), released: new Set() };
      for (const line of out.split('\n')) {
        const [tag, id, token] = line.split(' ');
        if (tag === 'G') outcome.granted.set(id!, Number(token));
        if (tag === 'R?') outcome.releasing.add(id!);
        if (tag === 'R') outcome.released.add(id!);
      }
      resolve(outcome);
    });
  });
}

describe('lease store under kill -9', () => {
  let root: string;
  let dir: string;
  let script: string;
  const all: Outcome = { granted: new Map(), releasing: new Set(), released: new Set() };
  const merge = (o: Outcome) => {
    for (const [id, token] of o.granted) all.granted.set(id, token);
    for (const id of o.releasing) all.releasing.add(id);
    for (const id of o.released) all.released.add(id);
  };

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'gitfence-kill-'));
    dir = join(root, 'leases');
    script = await bundleLeaseChild(root);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  // Read as the store reads itself: under load every child of a run can die before its first
  // write, and a store never written is the empty state, not an error.
  async function checkStore() {
    const state = await loadLeaseState(dir);
    const ids = state.leases.map((l) => l.id);
    expect(new Set(ids).size, 'no duplicated lease').toBe(ids.length);
    const tokens = state.leases.map((l) => l.token);
    expect(new Set(tokens).size, 'no duplicated token').toBe(tokens.length);
    expect(Math.max(0, ...tokens)).toBeLessThan(state.nextToken);
    for (const [id, token] of all.granted) {
      const lease = state.leases.find((l) => l.id === id);
      if (all.released.has(id)) expect(lease, `released ${id}`).toBeUndefined();
      else if (!all.releasing.has(id)) expect(lease?.token, `granted ${id} kept`).toBe(token);
    }
    // The shim's scope files: each one present is the committed state's (missing is allowed, stale never).
    const scopes = join(root, 'scopes');
    const expected = renderScopeFiles(state.leases);
    let names: string[] = [];
    try {
      names = readdirSync(scopes).filter((n) => n.endsWith('.sh') && !n.startsWith('.'));
    } catch {
      // no scope file written yet
    }
    for (const name of names) {
      const agent = name.slice(0, -'.sh'.length);
      expect(readFileSync(join(scopes, name), 'utf8'), `scope file of ${agent}`).toBe(
        expected.get(agent),
      );
    }
    return state;
  }

  it('survives 100 random kill -9s of two concurrent writers', async () => {
    for (let run = 0; run < RUNS; run++) {
      const outcomes = await Promise.all([
        churn(script, dir, 'A', Math.floor(Math.random() * 80)),
        churn(script, dir, 'B', Math.floor(Math.random() * 80)),
      ]);
      outcomes.forEach(merge);
      await checkStore();
    }
    expect(all.granted.size).toBeGreaterThan(RUNS);
  }, 240_000);

  it('survives a kill at every named point of a write', async () => {
    for (const point of CRASH_POINTS) {
      for (const nth of [1, 4]) {
        merge(await churn(script, dir, 'C', null, [point, nth]));
        await checkStore();
      }
    }
  }, 120_000);

  it('takes over the dead writers’ lock, sweeps their litter, and keeps history and tokens in order', async () => {
    const store = createFileLeaseStore({ dir });
    const before = await checkStore();
    const result = await store.acquire({
      owner: 'Z',
      patterns: ['after/**'],
      exclusive: true,
      reason: '',
      ttlMs: 60_000,
    });
    expect(result.granted && result.lease.token).toBe(before.nextToken);
    expect(readdirSync(dir).filter((n) => n !== 'leases.json' && !n.startsWith('history'))).toEqual(
      [],
    );
    const history = await readHistory(dir);
    const eids = history.map((e) => e.eid);
    expect(new Set(eids).size).toBe(eids.length);
    const grantTokens = history.filter((e) => e.kind === 'granted').map((e) => e.lease.token);
    expect(grantTokens).toEqual([...grantTokens].sort((a, b) => a - b));
  });
});

/**
 * The per-agent scope files the lease store writes for the sh shim: content as a pure function of
 * the committed leases, written with every change, removed before a change is committed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileLeaseStore } from '../../src/scopes/file-store.js';
import {
  changedScopeAgents,
  renderScopeFile,
  renderScopeFiles,
} from '../../src/scopes/scope-file.js';
import type { LeaseBackend, LeaseRecord } from '../../src/scopes/types.js';

const MIN = 60_000;

const lease = (owner: string, patterns: string[], expiresAt: number): LeaseRecord => ({
  id: `l-${owner}-${expiresAt}`,
  owner,
  patterns,
  exclusive: true,
  reason: '',
  token: 1,
  createdAt: 0,
  expiresAt,
});

/** What sh reads from the file: the expiry and the pathspecs, one a line. */
function sourced(text: string): { expires: string; pathspecs: string[] } {
  const r = spawnSync(
    '/bin/sh',
    [
      '-c',
      `eval "$1"; printf '%s\\n' "$GF_SCOPE_EXPIRES"; set -f; IFS='\n'; for p in $GF_SCOPE_PATHSPECS; do printf '%s\\n' "$p"; done`,
      'sh',
      text,
    ],
    { encoding: 'utf8' },
  );
  const [expires, ...pathspecs] = r.stdout.replace(/\n$/, '').split('\n');
  return { expires: expires!, pathspecs };
}

describe('renderScopeFile', () => {
  it('holds the patterns as pathspecs in lease order without repeats, and the earliest expiry in seconds', () => {
    const text = renderScopeFile('agent-a', [
      lease('agent-a', ['src/a/**', "it's $(x) `y`/*"], 5_000_999),
      lease('agent-a', ['src/a/**', 'docs/*.md'], 4_000_001),
    ]);
    expect(sourced(text!)).toEqual({
      expires: '4000', // 4_000_001 ms rounded down: used only while now < 4000 s
      pathspecs: [':(top,glob)src/a/**', ":(top,glob)it's $(x) `y`/*", ':(top,glob)docs/*.md'],
    });
  });

  it('gives no file for names and patterns the shim cannot carry', () => {
    expect(renderScopeFile('agent a', [lease('agent a', ['x'], 1e12)])).toBeNull();
    expect(renderScopeFile('a/b', [lease('a/b', ['x'], 1e12)])).toBeNull();
    expect(renderScopeFile('', [lease('', ['x'], 1e12)])).toBeNull();
    expect(renderScopeFile('a', [lease('a', ['x\ny'], 1e12)])).toBeNull();
    expect(renderScopeFile('a', [lease('a', [''], 1e12)])).toBeNull();
    expect(renderScopeFile('a', [])).toBeNull();
  });

  it('names the agents whose file changes between two states', () => {
    const before = renderScopeFiles([lease('a', ['x'], 1e6), lease('b', ['y'], 1e6)]);
    const after = renderScopeFiles([lease('a', ['x'], 1e6), lease('c', ['z'], 1e6)]);
    expect(changedScopeAgents(before, after)).toEqual(['b', 'c']);
    // renewed within the same second: the same file
    expect(changedScopeAgents(before, renderScopeFiles([lease('a', ['x'], 1e6 + 1)]))).toEqual([
      'b',
    ]);
  });
});

describe('the file store keeps scope files with leases.json', () => {
  let stateDir: string;
  let clock: number;
  let store: LeaseBackend;
  const scopes = () => join(stateDir, 'scopes');
  const fileOf = (agent: string) => join(scopes(), `${agent}.sh`);
  const acquire = (owner: string, patterns: string[], ttlMs = 30 * MIN) =>
    store.acquire({ owner, patterns, exclusive: true, reason: '', ttlMs });

  beforeEach(() => {
    stateDir = mkdtempSync(join(tmpdir(), 'gitfence-scope-file-'));
    clock = 1_700_000_000_000;
    store = createFileLeaseStore({ dir: join(stateDir, 'leases'), now: () => clock });
  });
  afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

  it('writes on grant, rewrites on renew, removes on release and on reclaimed expiry', async () => {
    await acquire('agent-a', ['src/a/**']);
    await acquire('agent-a', ['docs/**'], 10 * MIN);
    expect(sourced(readFileSync(fileOf('agent-a'), 'utf8'))).toEqual({
      expires: String(Math.floor((clock + 10 * MIN) / 1000)),
      pathspecs: [':(top,glob)src/a/**', ':(top,glob)docs/**'],
    });
    clock += MIN;
    await store.renew({ selector: { owner: 'agent-a' }, ttlMs: 60 * MIN, by: 'agent-a' });
    expect(sourced(readFileSync(fileOf('agent-a'), 'utf8')).expires).toBe(
      String(Math.floor((clock + 60 * MIN) / 1000)),
    );
    await acquire('agent-b', ['src/b/**'], MIN);
    expect(existsSync(fileOf('agent-b'))).toBe(true);
    await store.release({ selector: { owner: 'agent-a' }, by: 'agent-a' });
    expect(existsSync(fileOf('agent-a'))).toBe(false);
    // agent-b's lease lapses; the file stays (the shim checks the expiry) until a write reclaims it
    clock += 2 * MIN;
    expect(existsSync(fileOf('agent-b'))).toBe(true);
    await acquire('agent-c', ['other/**']);
    expect(existsSync(fileOf('agent-b'))).toBe(false);
    expect(readdirSync(scopes()).sort()).toEqual(['agent-c.sh']);
  });

  it('writes no file for an agent name the shim cannot use, and leaves other agents alone', async () => {
    await acquire('agent-a', ['src/a/**']);
    const before = readFileSync(fileOf('agent-a'), 'utf8');
    await acquire('odd name', ['src/b/**']);
    await acquire('../escape', ['src/c/**']);
    expect(readdirSync(scopes())).toEqual(['agent-a.sh']);
    expect(readFileSync(fileOf('agent-a'), 'utf8')).toBe(before);
  });

  it('a write that dies after the commit leaves the changed files missing, never stale', async () => {
    await acquire('agent-a', ['src/a/**']);
    await acquire('agent-b', ['src/b/**']);
    const dying = createFileLeaseStore({
      dir: join(stateDir, 'leases'),
      now: () => clock,
      onStep: (point) => {
        if (point === 'state-renamed') throw new Error('killed');
      },
    });
    await expect(dying.release({ selector: { owner: 'agent-a' }, by: 'agent-a' })).rejects.toThrow(
      'killed',
    );
    // released in leases.json, and its file already gone; agent-b untouched
    expect(existsSync(fileOf('agent-a'))).toBe(false);
    expect(existsSync(fileOf('agent-b'))).toBe(true);
    expect((await store.list()).active.map((l) => l.owner)).toEqual(['agent-b']);
  });

  it('a write that dies before the commit leaves the old state and no stale file', async () => {
    await acquire('agent-a', ['src/a/**']);
    const dying = createFileLeaseStore({
      dir: join(stateDir, 'leases'),
      now: () => clock,
      onStep: (point) => {
        if (point === 'state-temp-written') throw new Error('killed');
      },
    });
    await expect(dying.release({ selector: { owner: 'agent-a' }, by: 'agent-a' })).rejects.toThrow(
      'killed',
    );
    // still granted, file missing: the shim delegates and the evaluator scopes from leases.json
    expect((await store.list()).active.map((l) => l.owner)).toEqual(['agent-a']);
    expect(existsSync(fileOf('agent-a'))).toBe(false);
    // the next change for agent-a writes it again
    await acquire('agent-a', ['docs/**']);
    expect(sourced(readFileSync(fileOf('agent-a'), 'utf8')).pathspecs).toEqual([
      ':(top,glob)src/a/**',
      ':(top,glob)docs/**',
    ]);
  });
});

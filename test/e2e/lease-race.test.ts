/**
 * 50 real processes race for overlapping scopes, 20 rounds: exactly one holder per conflict group
 * every round, and fencing tokens never repeat.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleLeaseChild } from '../helpers/lease-bundle.js';

const PROCESSES = 50;
const ROUNDS = 20;

interface Child {
  process: ChildProcessWithoutNullStreams;
  next(): Promise<{ granted?: boolean; id?: string; token?: number; error?: string }>;
}

function startChild(script: string, dir: string): Child {
  const child = spawn(process.execPath, [script, 'serve', dir], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const waiting: Array<(line: string) => void> = [];
  const buffered: string[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    const waiter = waiting.shift();
    if (waiter) waiter(line);
    else buffered.push(line);
  });
  return {
    process: child,
    next: () =>
      new Promise((resolve) => {
        const line = buffered.shift();
        if (line !== undefined) resolve(JSON.parse(line));
        else waiting.push((l) => resolve(JSON.parse(l)));
      }),
  };
}

// Every pattern of a family contains `r<round>/<family>/src/a/x.ts`; the two families are disjoint.
const family = (round: number, f: string) => [
  `r${round}/${f}/**`,
  `r${round}/${f}/src/**/*.ts`,
  `r${round}/${f}/src/a/**`,
  `r${round}/${f}/*/a/x.ts`,
  `r${round}/${f}/[ls]*/[ab]/*`,
];

describe('lease store under a 50-process race', () => {
  let root: string;
  let dir: string;
  let children: Child[] = [];

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'gitfence-race-'));
    dir = join(root, 'leases');
    const script = await bundleLeaseChild(root);
    children = Array.from({ length: PROCESSES }, () => startChild(script, dir));
  });
  afterAll(() => {
    for (const child of children) child.process.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  });

  it('grants exactly one holder per conflict group in each of 20 rounds', async () => {
    const tokens: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const families = [family(round, 'f0'), family(round, 'f1')];
      const asked = children.map((child, i) => {
        const patterns = [families[i % 2]![Math.floor(i / 2) % 5]!];
        child.process.stdin.write(`${JSON.stringify({ owner: `agent-${i}`, patterns })}\n`);
        return i % 2;
      });
      const results = await Promise.all(children.map((child) => child.next()));
      expect(results.filter((r) => r.error)).toEqual([]);
      for (const group of [0, 1]) {
        const winners = results.filter((r, i) => asked[i] === group && r.granted);
        expect(winners, `round ${round} group ${group}`).toHaveLength(1);
      }
      tokens.push(...results.filter((r) => r.granted).map((r) => r.token!));
    }
    expect(new Set(tokens).size).toBe(tokens.length);
    const state = JSON.parse(readFileSync(join(dir, 'leases.json'), 'utf8'));
    expect(state.leases).toHaveLength(ROUNDS * 2);
    expect(state.nextToken).toBe(ROUNDS * 2 + 1);
  }, 180_000);
});

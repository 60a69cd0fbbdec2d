import { describe, expect, it } from 'vitest';
import { evaluateCommit } from '../../src/evaluate/commit.js';
import type { CommitRequest, LeaseFact, PathChange } from '../../src/evaluate/types.js';
import { parseNameStatusZ } from '../../src/scopes/staged.js';
import { policy } from './evaluate-fixtures.js';

const lease = (owner: string, patterns: string[], exclusive = true): LeaseFact => ({
  id: `l-${owner}`,
  owner,
  patterns,
  exclusive,
  token: 1,
  expiresAt: Number.MAX_SAFE_INTEGER,
});
const leases = [
  lease('A', ['src/a/**']),
  lease('B', ['src/b/**']),
  lease('C', ['shared/**'], false),
];
const commit = (agent: string | null, changes: PathChange[]): CommitRequest => ({
  kind: 'commit',
  agent,
  changes,
  facts: { leases },
});
const withMode = (commitCheck: 'deny' | 'warn' | 'off') => {
  const p = policy();
  return { ...p, settings: { ...p.settings, scopes: { ...p.settings.scopes, commitCheck } } };
};

describe('evaluateCommit', () => {
  it('allows an agent commit inside its own scopes', () => {
    const d = evaluateCommit(withMode('deny'), commit('A', [{ status: 'M', path: 'src/a/x.ts' }]));
    expect(d).toMatchObject({ outcome: 'allow', matches: [] });
  });

  it('denies paths outside the scopes and inside another agent’s exclusive scope', () => {
    const d = evaluateCommit(
      withMode('deny'),
      commit('A', [
        { status: 'M', path: 'src/a/x.ts' },
        { status: 'M', path: 'src/b/y.ts' },
        { status: 'A', path: 'docs/z.md' },
      ]),
    );
    expect(d.outcome).toBe('deny');
    expect(d.matches.map((m) => m.ruleId)).toEqual([
      'gitfence/commit-outside-scope',
      'gitfence/commit-in-foreign-scope',
    ]);
    expect(d.matches[0]!.detail).toBe('paths: src/b/y.ts, docs/z.md');
    expect(d.matches[1]!.reason).toMatch(/agent B's exclusive lock scope/);
  });

  it('counts both sides of a rename', () => {
    const out = evaluateCommit(
      withMode('deny'),
      commit('A', [{ status: 'R', oldPath: 'src/b/old.ts', path: 'src/a/new.ts' }]),
    );
    expect(out.outcome).toBe('deny');
    expect(out.matches.map((m) => m.ruleId)).toContain('gitfence/commit-in-foreign-scope');
    const into = evaluateCommit(
      withMode('deny'),
      commit('A', [{ status: 'R', oldPath: 'src/a/old.ts', path: 'docs/new.md' }]),
    );
    expect(into.outcome).toBe('deny');
  });

  it('warns instead under commitCheck warn, and is silent when off', () => {
    const changes = [{ status: 'M', path: 'docs/z.md' }];
    const warned = evaluateCommit(withMode('warn'), commit('A', changes));
    expect(warned.outcome).toBe('allow');
    expect(warned.warnings[0]).toMatch(/^gitfence\/commit-outside-scope/);
    expect(evaluateCommit(withMode('off'), commit('A', changes))).toMatchObject({
      outcome: 'allow',
      warnings: [],
    });
  });

  it('allows a human commit (no agent) anywhere', () => {
    expect(
      evaluateCommit(withMode('deny'), commit(null, [{ status: 'M', path: 'src/b/y.ts' }])).outcome,
    ).toBe('allow');
  });

  it('denies an agent with no lease, saying how to take one', () => {
    const d = evaluateCommit(withMode('deny'), commit('Z', [{ status: 'M', path: 'shared/x' }]));
    expect(d.outcome).toBe('deny');
    expect(d.matches[0]!.instead).toContain("gitfence lock acquire 'shared/x'");
  });

  it('parses name-status -z with renames, copies and odd names', () => {
    expect(parseNameStatusZ('M\0a b.ts\0R087\0old\0new\0C100\0x\0y\0D\0tab\there\0')).toEqual([
      { status: 'M', path: 'a b.ts' },
      { status: 'R', oldPath: 'old', path: 'new' },
      { status: 'C', oldPath: 'x', path: 'y' },
      { status: 'D', path: 'tab\there' },
    ]);
  });
});

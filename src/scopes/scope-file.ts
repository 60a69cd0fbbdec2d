/**
 * Per-agent scope files for the sh shim: `<stateDir>/scopes/<agent>.sh`, so an agent's scoped
 * `git status`/`git diff` needs no Node. Each file is a pure function of the committed lease state
 * (never of the clock): the agent's patterns as ready-made pathspecs, and the earliest expiry of
 * the leases they come from, which the shim checks against the time before using them.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDirectory, writeFileAtomic } from '../util/atomic-write.js';
import type { LeaseRecord } from './types.js';

/** Names the shim can put in a file name without escaping; any other agent always delegates. */
export const SCOPE_AGENT_NAME = /^[A-Za-z0-9._-]+$/;

/** `<stateDir>/scopes`, next to the store's `<stateDir>/leases`. */
export const scopesDirFor = (leasesDir: string): string => join(leasesDir, '..', 'scopes');

export const scopeFileOf = (scopesDir: string, agent: string): string =>
  join(scopesDir, `${agent}.sh`);

const shQuote = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;

/**
 * The file for one agent's leases, or null when the shim must delegate instead (no lease, a name
 * or a pattern it cannot carry). Patterns in lease order without repeats, as the evaluator rewrites.
 */
export function renderScopeFile(agent: string, leases: readonly LeaseRecord[]): string | null {
  if (!SCOPE_AGENT_NAME.test(agent) || leases.length === 0) return null;
  const patterns: string[] = [];
  let expires = Infinity;
  for (const lease of leases) {
    expires = Math.min(expires, lease.expiresAt);
    for (const pattern of lease.patterns) if (!patterns.includes(pattern)) patterns.push(pattern);
  }
  // The shim splits the list on newlines; an empty pattern would widen the scope to everything.
  if (patterns.length === 0 || patterns.some((p) => p === '' || p.includes('\n'))) return null;
  if (!Number.isFinite(expires)) return null;
  // Rounded down: the shim applies the file only while now (whole seconds) < this, i.e. before expiresAt.
  const seconds = Math.floor(expires / 1000);
  return [
    `# gitfence lock scopes of ${agent}: written by the lease store with leases.json; do not edit.`,
    '# The shim uses them only while `date +%s` < GF_SCOPE_EXPIRES (the earliest expiry, rounded down).',
    `GF_SCOPE_EXPIRES=${seconds}`,
    `GF_SCOPE_PATHSPECS=${shQuote(patterns.map((p) => `:(top,glob)${p}`).join('\n'))}`,
    '',
  ].join('\n');
}

/** Every agent's scope file content for a state's leases (agents without a file are absent). */
export function renderScopeFiles(leases: readonly LeaseRecord[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const [owner, own] of byOwner(leases)) {
    const text = renderScopeFile(owner, own);
    if (text !== null) files.set(owner, text);
  }
  return files;
}

/** Agents whose scope file differs between two states: their files must change with the write. */
export function changedScopeAgents(
  before: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, string>,
): string[] {
  const changed = new Set<string>();
  for (const [agent, text] of before) if (after.get(agent) !== text) changed.add(agent);
  for (const [agent, text] of after) if (before.get(agent) !== text) changed.add(agent);
  return [...changed].filter((agent) => SCOPE_AGENT_NAME.test(agent)).sort();
}

function byOwner(leases: readonly LeaseRecord[]): Map<string, LeaseRecord[]> {
  const owners = new Map<string, LeaseRecord[]>();
  for (const lease of leases) {
    const own = owners.get(lease.owner);
    if (own) own.push(lease);
    else owners.set(lease.owner, [lease]);
  }
  return owners;
}

/** What a scope file is made of: the leases' order, patterns and expiry (the owner is the key). */
function sameScopes(a: readonly LeaseRecord[] | undefined, b: readonly LeaseRecord[] | undefined) {
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (x.expiresAt !== y.expiresAt || x.patterns.length !== y.patterns.length) return false;
    for (let k = 0; k < x.patterns.length; k++) if (x.patterns[k] !== y.patterns[k]) return false;
  }
  return true;
}

/**
 * The agents whose scope file a write changes (as `changedScopeAgents` of both states' files) and
 * their new files. Only agents whose leases differ are rendered: a write touches one or two agents,
 * and rendering every agent's file twice was a cost of each acquire that grew with the store.
 */
export function scopeFileChanges(
  before: readonly LeaseRecord[],
  after: readonly LeaseRecord[],
): { changed: string[]; files: Map<string, string> } {
  const was = byOwner(before);
  const now = byOwner(after);
  const changed: string[] = [];
  const files = new Map<string, string>();
  for (const agent of new Set([...was.keys(), ...now.keys()])) {
    const previous = was.get(agent);
    const next = now.get(agent);
    if (sameScopes(previous, next)) continue;
    const text = next ? renderScopeFile(agent, next) : null;
    const old = previous ? renderScopeFile(agent, previous) : null;
    if (text === old) continue;
    changed.push(agent);
    if (text !== null) files.set(agent, text);
  }
  return { changed: changed.filter((agent) => SCOPE_AGENT_NAME.test(agent)).sort(), files };
}

/**
 * Before the state is committed: remove the files that are about to change. A crash after this
 * leaves them missing (the shim delegates), never stale (a released lease applied).
 */
export async function removeScopeFiles(
  scopesDir: string,
  agents: readonly string[],
): Promise<void> {
  if (agents.length === 0) return;
  let removed = false;
  for (const agent of agents) {
    try {
      await rm(scopeFileOf(scopesDir, agent));
      removed = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  if (removed) await fsyncDirectory(scopesDir);
}

/** After the state is committed: write the changed agents' new files (those that still have one). */
export async function writeScopeFiles(
  scopesDir: string,
  agents: readonly string[],
  files: ReadonlyMap<string, string>,
): Promise<void> {
  const writes = agents.filter((agent) => files.has(agent));
  if (writes.length === 0) return;
  await mkdir(scopesDir, { recursive: true });
  for (const agent of writes)
    await writeFileAtomic(scopeFileOf(scopesDir, agent), files.get(agent)!);
}

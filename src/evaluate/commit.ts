/**
 * The commit scope check (lock scopes): an agent's commit may touch only paths inside its own
 * active lock scopes, and never a path inside another agent's active exclusive scope. Both sides of
 * a rename or copy count. Pure: leases come in `request.facts.leases`, already filtered to active.
 */
import { inOwnScopes, matchesAnyGlob, undecodablePath } from '../scopes/match.js';
import { aggregate, builtinMatch } from './decision.js';
import type { CommitRequest, CompiledPolicy, Decision, LeaseFact, RuleMatch } from './types.js';

export const COMMIT_SCOPE_IDS = {
  outside: 'gitfence/commit-outside-scope',
  foreign: 'gitfence/commit-in-foreign-scope',
} as const;

const MAX_LISTED = 8;

function listPaths(paths: string[]): string {
  const shown = paths.slice(0, MAX_LISTED).join(', ');
  return paths.length > MAX_LISTED ? `${shown} and ${paths.length - MAX_LISTED} more` : shown;
}

/** Every path a change touches: the path, and for renames and copies the old path too. */
export function touchedPaths(request: CommitRequest): string[] {
  const paths = request.changes.flatMap((c) => (c.oldPath ? [c.oldPath, c.path] : [c.path]));
  return [...new Set(paths)];
}

export function evaluateCommit(policy: CompiledPolicy, request: CommitRequest): Decision {
  const mode = policy.settings.scopes.commitCheck;
  const agent = request.agent;
  // A human's (or the orchestrator's) commit has no scopes to keep to.
  if (mode === 'off' || agent === null) {
    return { ...aggregate([]), matches: [] };
  }
  const outcome = mode === 'deny' ? 'deny' : 'warn';
  const leases = request.facts.leases ?? [];
  const own = [...new Set(leases.filter((l) => l.owner === agent).flatMap((l) => l.patterns))];
  const foreign = leases.filter((l) => l.owner !== agent && l.exclusive);

  const outside: string[] = [];
  const inForeign = new Map<LeaseFact, string[]>();
  for (const path of touchedPaths(request)) {
    if (!inOwnScopes(path, own)) outside.push(path);
    for (const lease of foreign) {
      if (matchesAnyGlob(path, lease.patterns))
        inForeign.set(lease, [...(inForeign.get(lease) ?? []), path]);
    }
  }

  const matches: RuleMatch[] = [];
  if (outside.length > 0) {
    matches.push({
      ...builtinMatch(
        COMMIT_SCOPE_IDS.outside,
        outcome,
        own.length === 0
          ? `agent ${agent} holds no lock scope, so this commit touches paths outside it: ${listPaths(outside)}`
          : `this commit touches paths outside agent ${agent}'s lock scopes (${own.join(', ')}): ${listPaths(outside)}`,
        outside.some(undecodablePath)
          ? 'a path whose name is not UTF-8 is in no scope (gitfence cannot match its bytes as git does): rename it, or leave it unstaged'
          : `commit only paths inside your scopes (leave the others unstaged), or take a scope first: gitfence lock acquire '${outside[0]}'`,
        `paths: ${outside.join(', ')}`,
      ),
      source: { layer: 'builtin', path: 'scopes.commitCheck' },
    });
  }
  for (const [lease, paths] of inForeign) {
    matches.push({
      ...builtinMatch(
        COMMIT_SCOPE_IDS.foreign,
        outcome,
        `this commit touches ${listPaths(paths)} inside agent ${lease.owner}'s exclusive lock scope (${lease.patterns.join(', ')}, lease ${lease.id})`,
        `leave those files to ${lease.owner}: unstage them, or ask ${lease.owner} to release the scope`,
        `lease ${lease.id} token ${lease.token}; paths: ${paths.join(', ')}`,
      ),
      source: { layer: 'builtin', path: 'scopes.commitCheck' },
    });
  }
  return { ...aggregate(matches), matches };
}

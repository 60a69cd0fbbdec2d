/**
 * The save-patch decision: which scopes an agent may hand to the orchestrator. Pure: the agent's
 * leases come in `request.facts.leases`, already filtered to active ones at the edge.
 */
import { findOverlap } from '../scopes/overlap.js';
import { aggregate, builtinMatch } from './decision.js';
import type { CompiledPolicy, Decision, LeaseFact, RuleMatch, SavePatchRequest } from './types.js';

export const SAVE_PATCH_IDS = {
  saveAll: 'gitfence/save-all',
  noScope: 'gitfence/save-patch-no-scope',
  othersLease: 'gitfence/save-patch-others-lease',
} as const;

/** The globs a save covers: `--all` is the whole tree, `--path` wins over leases, else the agent's own leases. */
export function resolveSaveScopes(request: SavePatchRequest): { scopes: string[]; all: boolean } {
  if (request.all) return { scopes: ['**'], all: true };
  if (request.paths.length > 0) return { scopes: [...request.paths], all: false };
  if (request.agent === null) return { scopes: [], all: false };
  const own = (request.facts.leases ?? []).filter((lease) => lease.owner === request.agent);
  return { scopes: [...new Set(own.flatMap((lease) => lease.patterns))], all: false };
}

/** Could `--path glob` carry a path of the lease? The lease overlap decision, so doubt warns. */
function overlaps(glob: string, lease: LeaseFact): boolean {
  return lease.patterns.some((pattern) => findOverlap(glob, pattern).overlap);
}

export function evaluateSavePatch(policy: CompiledPolicy, request: SavePatchRequest): Decision {
  const matches: RuleMatch[] = [];
  const agent = request.agent;

  if (request.all && agent !== null && policy.settings.scopes.saveAll !== 'allow') {
    matches.push({
      ...builtinMatch(
        SAVE_PATCH_IDS.saveAll,
        'deny',
        "`save-patch --all` would hand every agent's uncommitted work to the orchestrator under your name",
        'save only your own scopes: `save-patch` (your lock scopes) or `save-patch --path GLOB`',
        `agent ${agent}, policy scopes.saveAll = ${policy.settings.scopes.saveAll}`,
      ),
      source: { layer: 'builtin', path: 'scopes.saveAll' },
    });
  }

  if (!request.all && request.paths.length === 0) {
    const { scopes } = resolveSaveScopes(request);
    if (scopes.length === 0) {
      matches.push(
        builtinMatch(
          SAVE_PATCH_IDS.noScope,
          'deny',
          agent === null
            ? 'save-patch needs a scope: no agent name (LLM_AGENT_NAME), no --path and no --all were given'
            : `save-patch needs a scope: agent "${agent}" holds no active lock scope and no --path was given`,
          agent === null
            ? "name the paths with `save-patch --path GLOB`, set LLM_AGENT_NAME to save an agent's lock scopes, or save the whole tree with `--all`"
            : 'take a lease first (`gitfence lock acquire GLOB`) or name the paths with `save-patch --path GLOB`',
          undefined,
        ),
      );
    }
  }

  if (agent !== null && request.paths.length > 0) {
    const others = (request.facts.leases ?? []).filter(
      (lease) => lease.owner !== agent && lease.exclusive,
    );
    for (const glob of request.paths) {
      for (const lease of others) {
        if (!overlaps(glob, lease)) continue;
        matches.push(
          builtinMatch(
            SAVE_PATCH_IDS.othersLease,
            'warn',
            `--path ${glob} overlaps ${lease.owner}'s exclusive lock scope (${lease.patterns.join(', ')}); the patch may carry their work`,
            'save only the paths you changed',
            `lease ${lease.id}`,
          ),
        );
      }
    }
  }

  return { ...aggregate(matches), matches };
}

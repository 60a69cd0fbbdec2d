/** Lock-scope settings from the compiled policy, and the TTL rules (default, cap). */
import type { ResolvedSettings } from '../policy/schema.js';
import { parseDuration } from '../util/units.js';

export type ScopeSettings = ResolvedSettings['scopes'];

/** The schema's defaults, for callers with no compiled policy at hand (tests, benches). */
export const DEFAULT_SCOPE_SETTINGS: ScopeSettings = {
  defaultTtl: '30m',
  maxTtl: '4h',
  autoScope: ['status', 'diff'],
  commitCheck: 'deny',
  saveAll: 'deny',
};

/** The TTL to grant: the asked one or the policy default, capped at the policy maximum. */
export function resolveTtl(
  settings: ScopeSettings,
  asked: string | undefined,
): { ttlMs: number; capped: boolean; maxMs: number } {
  const maxMs = parseDuration(settings.maxTtl, 'policy scopes.maxTtl');
  const wanted =
    asked === undefined
      ? parseDuration(settings.defaultTtl, 'policy scopes.defaultTtl')
      : parseDuration(asked, '--ttl');
  return { ttlMs: Math.min(wanted, maxMs), capped: wanted > maxMs, maxMs };
}

/** The agent's identity: `--agent` wins over `LLM_AGENT_NAME`; empty counts as none. */
export function agentFrom(
  flag: string | undefined,
  env: Record<string, string | undefined>,
): string | null {
  const name = (flag ?? env.LLM_AGENT_NAME ?? '').trim();
  return name === '' ? null : name;
}

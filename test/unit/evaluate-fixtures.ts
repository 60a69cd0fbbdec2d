/** Hand-built invocations and policies for evaluator tests that must not depend on the parser. */
import type { GitInvocation, GitOption } from '../../src/git/invocation.js';
import type { CompiledPolicy, CompiledRule, GitRequest } from '../../src/evaluate/types.js';
import type { MatchSpec } from '../../src/policy/schema.js';

export function option(name: string, raw = name, extra: Partial<GitOption> = {}): GitOption {
  return { name, raw, ...extra };
}

export function invocation(partial: Partial<GitInvocation> = {}): GitInvocation {
  return {
    raw: [],
    globals: [],
    config: [],
    typed: partial.subcommand ?? null,
    subcommand: null,
    aliasChain: [],
    shellAlias: null,
    args: [],
    options: [],
    operands: [],
    pathspecs: [],
    doubleDash: false,
    effects: [],
    env: {},
    paths: [],
    cwd: '/repo',
    problems: [],
    ...partial,
  };
}

export function rule(
  id: string,
  match: MatchSpec,
  extra: Partial<Omit<CompiledRule, 'id' | 'match'>> = {},
): CompiledRule {
  return {
    id,
    action: 'deny',
    reason: `${id} reason`,
    alert: 'normal',
    match,
    unless: [],
    source: { layer: 'repository', file: 'gitfence.policy.ts', path: `rules.${id}` },
    ...extra,
  };
}

export function policy(partial: Partial<CompiledPolicy> = {}): CompiledPolicy {
  return {
    format: 'gitfence/compiled-policy@1',
    sourceHash: 'test',
    layers: [{ layer: 'repository', file: 'gitfence.policy.ts' }],
    defaultAction: 'allow',
    allow: [],
    rules: [],
    checks: [],
    settings: {
      scopes: {
        defaultTtl: '30m',
        maxTtl: '4h',
        autoScope: ['status', 'diff'],
        commitCheck: 'deny',
        saveAll: 'deny',
      },
      push: {
        protectedBranches: [],
        forcePush: 'deny',
        deleteBranches: 'deny',
        deleteTags: 'deny',
        denyIfContains: [],
        denyPatterns: [],
        maxFileSize: '5MB',
        outOfScope: 'deny',
      },
      paths: { allowedRoots: [], guard: true },
      writeLock: { mode: 'auto', pushWindowTtl: '120s' },
      breakGlass: { enabled: true, attempts: 3, timeout: '60s', snapshotIgnoredMaxBytes: '10MB' },
      audit: { path: 'audit.jsonl', maxBytes: '10MB', keep: 5 },
      shim: { agentMarkers: ['LLM_AGENT_NAME'] },
    },
    ...partial,
  };
}

export function request(argv: string[], partial: Partial<GitRequest> = {}): GitRequest {
  return { kind: 'git', argv, env: {}, cwd: '/repo', agent: null, facts: {}, ...partial };
}

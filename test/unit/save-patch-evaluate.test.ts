import { describe, expect, it } from 'vitest';
import { evaluateSavePatch, resolveSaveScopes } from '../../src/evaluate/save-patch.js';
import type { CompiledPolicy, LeaseFact, SavePatchRequest } from '../../src/evaluate/types.js';

const policy = (saveAll: 'allow' | 'deny' = 'deny') =>
  ({ settings: { scopes: { saveAll } } }) as unknown as CompiledPolicy;

const lease = (owner: string, patterns: string[], exclusive = true): LeaseFact => ({
  id: `l-${owner}`,
  owner,
  patterns,
  exclusive,
  token: 1,
  expiresAt: 9e15,
});

const request = (over: Partial<SavePatchRequest>): SavePatchRequest => ({
  kind: 'save-patch',
  agent: 'A',
  all: false,
  paths: [],
  facts: { leases: [lease('A', ['src/a/**']), lease('B', ['src/b/**'])] },
  ...over,
});

describe('evaluateSavePatch', () => {
  it("uses the agent's own leases when no --path is given", () => {
    const decision = evaluateSavePatch(policy(), request({}));
    expect(decision.outcome).toBe('allow');
    expect(resolveSaveScopes(request({}))).toEqual({ scopes: ['src/a/**'], all: false });
  });

  it('denies without a scope, for an agent and for the orchestrator', () => {
    const agent = evaluateSavePatch(policy(), request({ agent: 'C' }));
    expect(agent.outcome).toBe('deny');
    expect(agent.matches[0]?.ruleId).toBe('gitfence/save-patch-no-scope');
    expect(agent.matches[0]?.instead).toContain('gitfence lock acquire');
    const orchestrator = evaluateSavePatch(policy(), request({ agent: null }));
    expect(orchestrator.outcome).toBe('deny');
    expect(orchestrator.matches[0]?.instead).toContain('--path GLOB');
  });

  it('--all follows scopes.saveAll for agents; the orchestrator may always', () => {
    const denied = evaluateSavePatch(policy('deny'), request({ all: true }));
    expect(denied.outcome).toBe('deny');
    expect(denied.matches[0]).toMatchObject({
      ruleId: 'gitfence/save-all',
      source: { path: 'scopes.saveAll' },
    });
    expect(evaluateSavePatch(policy('allow'), request({ all: true })).outcome).toBe('allow');
    expect(evaluateSavePatch(policy('deny'), request({ agent: null, all: true })).outcome).toBe(
      'allow',
    );
    expect(resolveSaveScopes(request({ all: true }))).toEqual({ scopes: ['**'], all: true });
  });

  it("--path wins over leases and warns when it reaches into another agent's exclusive lease", () => {
    const own = evaluateSavePatch(policy(), request({ paths: ['src/a/x.ts'] }));
    expect(own).toMatchObject({ outcome: 'allow', warnings: [] });
    const into = evaluateSavePatch(policy(), request({ paths: ['src/**'] }));
    expect(into.outcome).toBe('allow');
    expect(into.warnings.join()).toContain("B's exclusive lock scope");
    const shared = evaluateSavePatch(
      policy(),
      request({ paths: ['src/b/**'], facts: { leases: [lease('B', ['src/b/**'], false)] } }),
    );
    expect(shared.warnings).toEqual([]);
  });
});

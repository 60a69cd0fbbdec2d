/**
 * `compilePolicy(layers) → CompiledPolicy`, pure: validate, expand, merge, flatten, resolve
 * settings with defaults, then run every rule's examples through the one evaluator.
 */
import { GitfenceError } from '../errors.js';
import { evaluate as realEvaluate } from '../evaluate/evaluate.js';
import type { CompiledPolicy, Decision, EvaluationRequest } from '../evaluate/types.js';
import { splitArgs as realSplitArgs } from '../git/split.js';
import { sha256 } from './sha256.js';
import type { RuleEntry } from './flatten.js';
import { expandLayers, type SourceLayer } from './layers.js';
import { COMPILED_FORMAT } from './load-compiled.js';
import { mergePolicies, SETTINGS_SECTIONS, type DisabledRule } from './merge.js';
import { ResolvedSettings } from './schema.js';
import { policyInvalid, renderIssue, type PolicyIssue } from './validate.js';

export interface CompileDeps {
  evaluate: (policy: CompiledPolicy, request: EvaluationRequest) => Decision;
  splitArgs: (line: string) => string[];
}

export interface CompileReport {
  policy: CompiledPolicy;
  disabled: DisabledRule[];
  /** How many examples ran. */
  examples: number;
}

const REAL_DEPS: CompileDeps = { evaluate: realEvaluate, splitArgs: realSplitArgs };

/** sha256 over every layer's source, in layer order. */
export function hashSources(layers: readonly SourceLayer[]): string {
  return sha256(
    layers
      .map((layer) => `${layer.layer}\0${layer.file ?? ''}\0${sha256(layer.source)}\n`)
      .join(''),
  );
}

function resolveSettings(
  settings: Record<string, Record<string, unknown>>,
  displays: string,
): ResolvedSettings {
  const input = Object.fromEntries(SETTINGS_SECTIONS.map((name) => [name, settings[name] ?? {}]));
  const result = ResolvedSettings.safeParse(input);
  if (!result.success) {
    // Each layer validated on its own; the merge of valid layers is valid, so this is a bug, but say where.
    throw policyInvalid(
      result.error.issues.map((issue) => renderIssue(issue, input, ResolvedSettings, displays, '')),
    );
  }
  return result.data;
}

export function compilePolicyReport(
  layers: readonly SourceLayer[],
  deps: CompileDeps = REAL_DEPS,
): CompileReport {
  const stack = expandLayers(layers);
  const issues: PolicyIssue[] = [];
  const merged = mergePolicies(stack, issues);
  if (issues.length > 0) throw policyInvalid(issues);
  const settings = resolveSettings(
    merged.settings,
    layers.map((layer) => layer.display).join(' + '),
  );

  const policy: CompiledPolicy = {
    format: COMPILED_FORMAT,
    sourceHash: hashSources(layers),
    layers: layers.map((layer) => {
      const name = (layer.policy as { name?: unknown }).name;
      return {
        layer: layer.layer,
        ...(layer.file ? { file: layer.file } : {}),
        sha256: sha256(layer.source),
        ...(typeof name === 'string' ? { name } : {}),
      };
    }),
    defaultAction: merged.defaultAction,
    allow: merged.allow,
    rules: merged.rules.map((entry) => entry.rule),
    settings,
    checks: merged.checks,
  };
  const examples = runExamples(policy, merged.rules, deps);
  return { policy, disabled: merged.disabled, examples };
}

export function compilePolicy(
  layers: readonly SourceLayer[],
  deps: CompileDeps = REAL_DEPS,
): CompiledPolicy {
  return compilePolicyReport(layers, deps).policy;
}

interface ExampleFailure {
  entry: RuleEntry;
  example: string;
  expected: 'match' | 'notMatch';
  got: string;
}

/** Every example of every rule still in the policy, against the whole compiled policy. */
export function runExamples(
  policy: CompiledPolicy,
  entries: readonly RuleEntry[],
  deps: CompileDeps,
): number {
  const failures: ExampleFailure[] = [];
  let count = 0;
  for (const entry of entries) {
    const cases = [
      ...(entry.examples?.match ?? []).map((example) => ({ example, expected: 'match' as const })),
      ...(entry.examples?.notMatch ?? []).map((example) => ({
        example,
        expected: 'notMatch' as const,
      })),
    ];
    for (const { example, expected } of cases) {
      count++;
      let decision: Decision;
      try {
        const request: EvaluationRequest = {
          kind: 'git',
          argv: deps.splitArgs(example),
          env: {},
          cwd: '/',
          agent: null,
          facts: {},
        };
        decision = deps.evaluate(policy, request);
      } catch (error) {
        failures.push({ entry, example, expected, got: `an error: ${(error as Error).message}` });
        continue;
      }
      const matched = decision.matches.some((match) => match.ruleId === entry.rule.id);
      if (matched !== (expected === 'match')) {
        const others = decision.matches
          .map((match) => match.ruleId)
          .filter((id) => id !== entry.rule.id);
        failures.push({
          entry,
          example,
          expected,
          got: matched
            ? 'it matched'
            : `no match${others.length ? ` (matched ${others.join(', ')} instead)` : ''}` +
              (decision.invocation?.problems.length
                ? `; parser: ${decision.invocation.problems.join('; ')}`
                : ''),
        });
      }
    }
  }
  if (failures.length > 0) throw examplesFailed(failures);
  return count;
}

function examplesFailed(failures: ExampleFailure[]): GitfenceError {
  const describe = ({ entry, example, expected, got }: ExampleFailure) =>
    `rule "${entry.rule.id}": example \`git ${example}\` ${expected === 'match' ? 'should match' : 'should not match'}, got ${got}`;
  const first = failures[0]!;
  const whereOf = (failure: ExampleFailure) =>
    `${failure.entry.display} › ${failure.entry.rule.source.path}`;
  const message =
    failures.length === 1
      ? describe(first)
      : `${failures.length} examples failed:\n${failures.map((f) => `  ${whereOf(f)}: ${describe(f)}`).join('\n')}`;
  return new GitfenceError('POLICY_EXAMPLE_FAILED', message, {
    where: whereOf(first),
    hint: 'fix the rule or its examples, then run `gitfence compile` again',
  });
}

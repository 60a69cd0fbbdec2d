/**
 * Custom checks run at the edge: the functions live in the compiled `policy.mjs`; their results go
 * to the evaluator as data. Anything that goes wrong with an `error` check fails closed.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { CheckContext, CheckFunction, CheckResult } from '../policy/schema.js';
import type { CompiledPolicy } from '../evaluate/types.js';
import type { CheckOutcome } from '../evaluate/checks.js';

export type CheckModule = { checks?: Record<string, unknown> };

/** The compiled module's check functions, imported only when the stage has checks. */
export async function loadCheckModule(file: string): Promise<CheckModule | null> {
  if (!existsSync(file)) return null;
  return (await import(pathToFileURL(file).href)) as CheckModule;
}

/** `void | string | string[] | {errors, warnings}` → lists; anything else is a broken check. */
export function normalizeCheckResult(result: CheckResult | unknown): {
  errors: string[];
  warnings: string[];
} | null {
  if (result === undefined || result === null) return { errors: [], warnings: [] };
  if (typeof result === 'string') return { errors: result ? [result] : [], warnings: [] };
  if (Array.isArray(result) && result.every((m) => typeof m === 'string'))
    return { errors: result.filter(Boolean), warnings: [] };
  if (typeof result === 'object' && !Array.isArray(result)) {
    const { errors = [], warnings = [] } = result as { errors?: unknown; warnings?: unknown };
    const strings = (v: unknown): v is string[] =>
      Array.isArray(v) && v.every((m) => typeof m === 'string');
    if (strings(errors) && strings(warnings)) return { errors, warnings };
  }
  return null;
}

/** Run every check of `stage`, each isolated: a throw or a bad result is reported, never swallowed. */
export async function runCustomChecks(
  policy: CompiledPolicy,
  stage: 'push' | 'commit',
  context: CheckContext,
  load: () => Promise<CheckModule | null>,
): Promise<CheckOutcome[]> {
  const declared = (policy.checks ?? []).filter((c) => c.stage === stage);
  if (declared.length === 0) return [];
  let module: CheckModule | null = null;
  let loadError: string | null = null;
  try {
    module = await load();
    if (!module) loadError = 'the compiled policy module (policy.mjs) is missing';
  } catch (error) {
    loadError = `the compiled policy module cannot be loaded: ${(error as Error).message}`;
  }
  const outcomes: CheckOutcome[] = [];
  for (const check of declared) {
    const base = { id: check.id, severity: check.severity, source: check.source };
    const fail = (message: string): CheckOutcome => ({
      ...base,
      errors: [`${message}; run \`gitfence compile\``],
      warnings: [],
    });
    if (loadError) {
      outcomes.push(fail(loadError));
      continue;
    }
    const fn = module?.checks?.[check.id];
    if (typeof fn !== 'function') {
      outcomes.push(fail(`check ${check.id} is declared but policy.mjs has no function for it`));
      continue;
    }
    try {
      const normalized = normalizeCheckResult(await (fn as CheckFunction)(context));
      outcomes.push(
        normalized
          ? { ...base, ...normalized }
          : fail(
              `check ${check.id} returned something other than void, a string, strings or {errors, warnings}`,
            ),
      );
    } catch (error) {
      outcomes.push(fail(`check ${check.id} threw: ${(error as Error)?.message ?? String(error)}`));
    }
  }
  return outcomes;
}

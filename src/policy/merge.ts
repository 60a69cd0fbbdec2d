/**
 * Merging the expanded stack, earliest first. Scalars: the later layer wins. Settings objects:
 * deep-merged. Lists (keywords, patterns, protected branches, allow, autoScope, roots, markers):
 * concatenated and deduplicated, so a later layer adds protection and never loses it. Rules with
 * the same id: the later definition replaces the earlier. `disableRules`: removes rules by id.
 */
import type { RuleSource } from '../evaluate/types.js';
import type { ExpandedPolicy } from './layers.js';
import { flattenPolicy, sourceOf, type RuleEntry } from './flatten.js';
import type { PolicyIssue } from './validate.js';

/** A rule a layer switched off, for doctor and the compile report. */
export interface DisabledRule {
  id: string;
  /** The layer whose `disableRules` named it. */
  by: string;
  /** false when no earlier layer defined a rule with that id (a typo, or a rule that moved). */
  found: boolean;
}

export interface CheckEntry {
  id: string;
  severity: 'error' | 'warn';
  stage: 'push' | 'commit';
  description?: string;
  source: RuleSource;
}

export interface MergedPolicy {
  name?: string;
  defaultAction: 'allow' | 'deny';
  allow: string[];
  rules: RuleEntry[];
  checks: CheckEntry[];
  /** Settings sections as authors wrote them, merged; defaults are applied when resolving. */
  settings: Record<string, Record<string, unknown>>;
  disabled: DisabledRule[];
}

/** The settings sections a policy may hold; compile resolves each with its defaults. */
export const SETTINGS_SECTIONS = [
  'scopes',
  'push',
  'paths',
  'writeLock',
  'breakGlass',
  'audit',
  'shim',
] as const;

const dedupe = <T>(items: T[]): T[] => [...new Set(items)];

/** Deep merge of plain settings objects: lists concatenate and dedupe, objects merge, the rest: later wins. */
export function mergeSettings(earlier: unknown, later: unknown): unknown {
  if (later === undefined) return earlier;
  if (Array.isArray(earlier) && Array.isArray(later)) return dedupe([...earlier, ...later]);
  const isPlain = (value: unknown): value is Record<string, unknown> =>
    value !== null && typeof value === 'object' && !Array.isArray(value);
  if (isPlain(earlier) && isPlain(later)) {
    const out: Record<string, unknown> = { ...earlier };
    for (const [key, value] of Object.entries(later)) out[key] = mergeSettings(earlier[key], value);
    return out;
  }
  return later;
}

export function mergePolicies(
  stack: readonly ExpandedPolicy[],
  issues: PolicyIssue[],
): MergedPolicy {
  const rules = new Map<string, RuleEntry>();
  const checks = new Map<string, CheckEntry>();
  const disabled: DisabledRule[] = [];
  const settings: Record<string, Record<string, unknown>> = {};
  let name: string | undefined;
  let defaultAction: 'allow' | 'deny' = 'allow';
  let allow: string[] = [];

  for (const policy of stack) {
    const { parsed, raw } = policy;
    if (parsed.name !== undefined) name = parsed.name;
    if (parsed.defaultAction !== undefined) defaultAction = parsed.defaultAction;
    if (parsed.allow) allow = dedupe([...allow, ...parsed.allow]);

    for (const id of parsed.disableRules ?? []) {
      disabled.push({ id, by: policy.layer, found: rules.delete(id) });
    }
    for (const entry of flattenPolicy(policy, issues)) rules.set(entry.rule.id, entry);

    for (const section of SETTINGS_SECTIONS) {
      const value = raw[section];
      if (value === undefined) continue;
      const { checks: _checks, ...rest } = value as Record<string, unknown>;
      settings[section] = mergeSettings(settings[section] ?? {}, rest) as Record<string, unknown>;
    }

    for (const stage of ['push', 'commit'] as const) {
      const list = parsed[stage]?.checks;
      const written = (raw[stage] as { checks?: Array<{ stage?: string }> } | undefined)?.checks;
      if (!list || !written) continue;
      list.forEach((check, index) => {
        checks.set(check.id, {
          id: check.id,
          severity: check.severity,
          // The list a check sits in is its stage unless the author said otherwise.
          stage: written[index]?.stage === undefined ? stage : check.stage,
          ...(check.description ? { description: check.description } : {}),
          source: sourceOf(policy, `${stage}.checks[${index}]`),
        });
      });
    }
  }
  return {
    ...(name !== undefined ? { name } : {}),
    defaultAction,
    allow,
    rules: [...rules.values()],
    checks: [...checks.values()],
    settings,
    disabled,
  };
}

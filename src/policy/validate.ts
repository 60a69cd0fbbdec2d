/**
 * Validation: zod checks one policy object; we render every issue ourselves as
 * `gitfence.policy.ts › push.protectedBranches[1]: expected string, got number`.
 */
import { z } from 'zod';
import { GitfenceError } from '../errors.js';
import { PolicySchema, type PolicyLayer } from './schema.js';

/** A policy after validation: its parsed form, the raw input (settings merge on what the author wrote, not on defaults) and its extends tree. */
export interface ValidatedPolicy {
  parsed: Omit<PolicyLayer, 'extends'>;
  raw: Record<string, unknown>;
  extends: ValidatedPolicy[];
  /** Path of this policy inside its file: `''` for the default export, `extends[0]` below it. */
  path: string;
}

export interface PolicyIssue {
  /** `gitfence.policy.ts › push.protectedBranches[1]` */
  where: string;
  /** `expected string, got number` */
  problem: string;
}

type Issue = z.core.$ZodIssue;
type PathKey = PropertyKey;

/** `push.protectedBranches[1]`, `git.blockedSubcommands["check-out"]`. */
export function renderPath(path: readonly PathKey[], prefix = ''): string {
  let out = prefix;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key))
      out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

/** What a value is, as a message says it: `number`, `array`, `null`. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** A short rendering of a value: `"block"`, `3`, `an object`. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    const text = value.length > 60 ? `${value.slice(0, 57)}…` : value;
    return JSON.stringify(text);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null)
    return String(value);
  if (value === undefined) return 'nothing';
  if (typeof value === 'function') return 'a function';
  return Array.isArray(value) ? 'an array' : 'an object';
}

function valueAt(root: unknown, path: readonly PathKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** The keys an object schema accepts at a path, for "unknown key" messages. */
function knownKeysAt(schema: z.ZodType, path: readonly PathKey[]): string[] | null {
  let current: unknown = schema;
  const unwrap = (node: unknown): unknown => {
    for (let i = 0; i < 10; i++) {
      const def = (node as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
      if (!def) return node;
      if (
        def.type === 'optional' ||
        def.type === 'default' ||
        def.type === 'nullable' ||
        def.type === 'prefault'
      ) {
        node = def.innerType;
      } else if (def.type === 'lazy') {
        node = (def.getter as () => unknown)();
      } else return node;
    }
    return node;
  };
  for (const key of path) {
    current = unwrap(current);
    const def = (current as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
    if (!def) return null;
    if (def.type === 'object') current = (def.shape as Record<string, unknown>)[String(key)];
    else if (def.type === 'array') current = def.element;
    else if (def.type === 'record') current = def.valueType;
    else if (def.type === 'union') {
      const options = def.options as unknown[];
      current = options.find((option) => {
        const d = (unwrap(option) as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
        return typeof key === 'number' ? d?.type === 'array' : d?.type === 'object';
      });
    } else return null;
    if (current === undefined) return null;
  }
  const def = (unwrap(current) as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
  return def?.type === 'object' ? Object.keys(def.shape as Record<string, unknown>) : null;
}

function expectedFrom(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected === 'custom' ? 'a function' : issue.expected;
    case 'invalid_value':
      return issue.values.length === 1
        ? JSON.stringify(issue.values[0])
        : `one of ${issue.values.map((v) => JSON.stringify(v)).join(' | ')}`;
    case 'too_small':
      return issue.origin === 'string'
        ? 'a non-empty string'
        : issue.origin === 'array'
          ? `at least ${String(issue.minimum)} item(s)`
          : `a number ≥ ${String(issue.minimum)}`;
    case 'too_big':
      return `a number ≤ ${String(issue.maximum)}`;
    case 'invalid_union': {
      const alternatives = issue.errors
        .map((branch) => branch[0])
        .filter((first): first is Issue => first !== undefined)
        .map((first) =>
          first.code === 'invalid_type' && first.expected === 'array'
            ? 'a list of them'
            : expectedFrom(first),
        );
      return [...new Set(alternatives)].join(' or ') || 'another value';
    }
    default:
      return issue.message;
  }
}

/** One issue as `where` + `problem`. */
export function renderIssue(
  issue: Issue,
  input: unknown,
  schema: z.ZodType,
  display: string,
  prefix: string,
): PolicyIssue {
  const where = (path: readonly PathKey[]) => {
    const rendered = renderPath(path, prefix);
    return rendered ? `${display} › ${rendered}` : display;
  };
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(schema, issue.path);
    const keys = issue.keys.map((key) => JSON.stringify(key)).join(', ');
    return {
      where: where([...issue.path, ...(issue.keys.length === 1 ? [issue.keys[0]!] : [])]),
      problem: `unknown key ${keys}` + (known ? `: expected one of ${known.join(', ')}` : ''),
    };
  }
  const value = valueAt(input, issue.path);
  const got = issue.code === 'invalid_type' ? describeType(value) : describeValue(value);
  return { where: where(issue.path), problem: `expected ${expectedFrom(issue)}, got ${got}` };
}

/** POLICY_INVALID listing every issue; the issues ride along as `error.issues` so layers can combine them. */
export function policyInvalid(
  issues: PolicyIssue[],
  hint = 'fix the policy and run `gitfence compile` again',
): GitfenceError & { issues: PolicyIssue[] } {
  const lines = issues.map((issue) => `${issue.where}: ${issue.problem}`);
  const first = issues[0];
  const error =
    issues.length === 1 && first
      ? new GitfenceError('POLICY_INVALID', first.problem, { where: first.where, hint })
      : new GitfenceError(
          'POLICY_INVALID',
          `the policy has ${issues.length} problems:\n${lines.map((line) => `  ${line}`).join('\n')}`,
          { hint },
        );
  return Object.assign(error, { issues });
}

/** The issues inside a POLICY_INVALID error made by `policyInvalid`. */
export function issuesOf(error: GitfenceError): PolicyIssue[] {
  const issues = (error as GitfenceError & { issues?: PolicyIssue[] }).issues;
  return issues ?? [{ where: error.details.where ?? '', problem: error.message }];
}

/** Every issue of one policy and everything it extends; never throws. */
export function gatherPolicyIssues(
  value: unknown,
  display: string,
  prefix = '',
): { issues: PolicyIssue[]; policy: ValidatedPolicy | null } {
  const result = PolicySchema.safeParse(value);
  const issues: PolicyIssue[] = result.success
    ? []
    : result.error.issues.map((issue) => renderIssue(issue, value, PolicySchema, display, prefix));
  const raw = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  const children: ValidatedPolicy[] = [];
  const parents = Array.isArray(raw.extends) ? (raw.extends as unknown[]) : [];
  parents.forEach((parent, index) => {
    const childPrefix = renderPath(['extends', index], prefix);
    if (parent === null || typeof parent !== 'object' || Array.isArray(parent)) return; // zod reported it
    const child = gatherPolicyIssues(parent, display, childPrefix);
    issues.push(...child.issues);
    if (child.policy) children.push(child.policy);
  });
  if (!result.success || issues.length > 0) return { issues, policy: null };
  const { extends: _ignored, ...parsed } = result.data;
  return { issues, policy: { parsed, raw, extends: children, path: prefix } };
}

/** Validate a policy (the default export of a policy file) and what it extends; throws POLICY_INVALID listing every issue. */
export function validatePolicy(value: unknown, display: string): ValidatedPolicy {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const got = value === undefined ? 'no default export' : describeType(value);
    throw policyInvalid(
      [{ where: display, problem: `expected \`export default definePolicy({ … })\`, got ${got}` }],
      "export the policy as default, importing definePolicy from 'gitfence'",
    );
  }
  const { issues, policy } = gatherPolicyIssues(value, display);
  if (issues.length > 0 || !policy) throw policyInvalid(issues);
  return policy;
}

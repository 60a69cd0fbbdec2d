/**
 * `gitfence`: what a policy file imports. Kept to the authoring surface (and free of runtime
 * dependencies) because every policy is bundled against it; programs use `gitfence/engine`.
 */
export { definePolicy } from './policy/define.js';
export { presets, DEFAULT_PRESET } from '../policies/index.js';
export type { Policy } from './policy/define.js';
export type {
  PolicyInput,
  RuleInput,
  MatchInput,
  CustomCheckInput,
  CheckContext,
  CheckResult,
  CheckFunction,
} from './policy/schema.js';
export { EFFECTS } from './git/invocation.js';
export type { Effect } from './git/invocation.js';
export type { Decision, RuleMatch, CompiledPolicy } from './evaluate/types.js';
export { EXIT, GitfenceError } from './errors.js';

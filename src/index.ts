/** The public API: what policy files and programs import from 'gitfence'. */
export { definePolicy } from './policy/define.js';
export { presets } from '../policies/index.js';
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
export type { Effect, GitInvocation, GitOption } from './git/invocation.js';
export type {
  Decision,
  RuleMatch,
  EvaluationRequest,
  GitRequest,
  CompiledPolicy,
  Facts,
} from './evaluate/types.js';
export { EXIT, GitfenceError } from './errors.js';

/**
 * `gitfence/engine`: for programs that embed gitfence. The one evaluator and the pieces around it
 * (the git invocation model, shell analysis, lock scopes). Policy files import from 'gitfence'.
 */
export { evaluate, failClosedDecision } from './evaluate/evaluate.js';
export type {
  Decision,
  RuleMatch,
  RuleSource,
  EvaluationRequest,
  GitRequest,
  CommitRequest,
  PushRequest,
  SavePatchRequest,
  WorktreeRequest,
  WorktreeWork,
  CompiledPolicy,
  CompiledRule,
  Facts,
  LeaseFact,
  WriteLockFact,
} from './evaluate/types.js';
export { renderDenialLine } from './render/denial.js';
export { parseInvocation, normalizeInvocation, splitArgs } from './git/index.js';
export type { Effect, GitInvocation, GitOption } from './git/invocation.js';
export { extractGitCalls } from './agents/shell/extract.js';
export { createFileLeaseStore, readActiveLeases, findOverlap } from './scopes/index.js';
export { loadCompiledPolicy } from './policy/load-compiled.js';
export { EXIT, GitfenceError } from './errors.js';

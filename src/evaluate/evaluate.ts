/** `evaluate(policy, request) → Decision` (SPEC §4): the one evaluator every enforcement point calls. Pure. */
import { evaluateCommit } from './commit.js';
import { evaluateGit } from './git.js';
import { evaluatePush } from './push.js';
import { evaluateSavePatch } from './save-patch.js';
import type { CompiledPolicy, Decision, EvaluationRequest } from './types.js';
import { evaluateWorktree } from './worktree.js';

export function evaluate(policy: CompiledPolicy, request: EvaluationRequest): Decision {
  switch (request.kind) {
    case 'git':
      return evaluateGit(policy, request);
    case 'commit':
      return evaluateCommit(policy, request);
    case 'save-patch':
      return evaluateSavePatch(policy, request);
    case 'push':
      return evaluatePush(policy, request);
    case 'worktree':
      return evaluateWorktree(policy, request);
  }
}

export { failClosedDecision } from './decision.js';

/** `evaluateGit`: parse the argv as git would (with the gathered aliases and refs), then decide it. */
import { normalizeInvocation } from '../git/normalize.js';
import { parseInvocation } from '../git/parse.js';
import { evaluateInvocation } from './git-invocation.js';
import type { CompiledPolicy, Decision, GitRequest } from './types.js';

export function evaluateGit(policy: CompiledPolicy, request: GitRequest): Decision {
  const invocation = parseInvocation(request.argv, {
    env: request.env,
    cwd: request.cwd,
    aliases: request.facts.aliases,
    refs: request.facts.refs,
  });
  return evaluateInvocation(policy, {
    invocation,
    normalize: normalizeInvocation,
    request,
  });
}

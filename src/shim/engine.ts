/**
 * The shim's view of the other components, behind one seam: the compiled-policy loader (repository
 * → global → default preset, never nothing), fact gathering, the parser and the evaluator. A policy
 * that is missing or corrupt becomes a fail-closed denial.
 */
import { isGitfenceError } from '../errors.js';
import { BUILTIN_IDS, failClosedDecision } from '../evaluate/decision.js';
// The git evaluator alone: evaluate.ts would also load the push and patch evaluators.
import { evaluateGit } from '../evaluate/git.js';
import type { CompiledPolicy, Decision, GitRequest } from '../evaluate/types.js';
import { gatherFacts } from '../facts/gather.js';
import { parseInvocation } from '../git/parse.js';
import { loadCompiledPolicy } from '../policy/load-compiled.js';
import type { RepoInfo } from '../repo/discover.js';
import type { GitRunner } from '../util/git-runner.js';

const COMPILE_HINT = 'ask the orchestrator or a human to run `gitfence compile` (not an agent)';

export interface LoadPolicyInput {
  stateDir: string | null;
  env: Record<string, string | undefined>;
  home: string;
  repoRoot?: string | null;
}

function failClosedFrom(error: unknown): Decision | null {
  if (!isGitfenceError(error)) return null;
  if (error.code !== 'POLICY_NOT_COMPILED' && error.code !== 'POLICY_CORRUPT') return null;
  const ruleId =
    error.code === 'POLICY_NOT_COMPILED'
      ? BUILTIN_IDS.policyNotCompiled
      : BUILTIN_IDS.policyCorrupt;
  const where = error.details.where ? ` (${error.details.where})` : '';
  return failClosedDecision(
    ruleId,
    `${error.message}${where}: gitfence denies git calls here until the policy is compiled`,
    error.details.hint ?? COMPILE_HINT,
  );
}

/** The policy that governs this repository, or a fail-closed decision that says why there is none. */
export async function loadPolicyOrDecision(
  input: LoadPolicyInput,
): Promise<
  { policy: CompiledPolicy; failed?: undefined } | { policy?: undefined; failed: Decision }
> {
  try {
    const { policy } = await loadCompiledPolicy({
      stateDir: input.stateDir,
      env: input.env,
      home: input.home,
      repoRoot: input.repoRoot ?? null,
    });
    return { policy };
  } catch (error) {
    const failed = failClosedFrom(error);
    if (failed) return { failed };
    throw error;
  }
}

export interface DecideInput {
  argv: string[];
  cwd: string;
  env: Record<string, string | undefined>;
  agent: string | null;
  git: GitRunner;
  now: () => number;
  home: string;
  tty: boolean;
}

export interface Decided {
  decision: Decision;
  policy: CompiledPolicy | null;
  repo: RepoInfo | null;
}

/** One git argv, edge to edge: discover, load the policy, gather what the call needs, evaluate. */
export async function decide(input: DecideInput): Promise<Decided> {
  const { argv, cwd, env, agent, git } = input;
  let repoSeen: RepoInfo | null = null;
  try {
    const gathered = await gatherFacts({
      cwd,
      env,
      git,
      now: input.now,
      agent,
      argv,
      tty: input.tty,
      parse: (args, aliases) => parseInvocation(args, { env, cwd, aliases }),
      policy: async (repo) => {
        repoSeen = repo;
        const { policy } = await loadCompiledPolicy({
          stateDir: repo?.stateDir ?? null,
          env,
          home: input.home,
          repoRoot: repo?.topLevel ?? null,
          agentContext: true,
        });
        return policy;
      },
    });
    const request: GitRequest = {
      kind: 'git',
      argv,
      env,
      cwd,
      agent,
      facts: { ...gathered.facts, tty: input.tty },
    };
    return {
      decision: evaluateGit(gathered.policy, request),
      policy: gathered.policy,
      repo: gathered.repo,
    };
  } catch (error) {
    const failed = failClosedFrom(error);
    if (failed) return { decision: failed, policy: null, repo: repoSeen };
    throw error;
  }
}

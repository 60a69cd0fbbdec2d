/**
 * The whole decision for one git argv, edge to edge: discover the repository and read its aliases
 * (two git processes, in parallel), load the compiled policy, gather only the facts this call needs,
 * evaluate. A missing or corrupt policy becomes a fail-closed denial, never an allow.
 */
import { isGitfenceError } from '../errors.js';
import { BUILTIN_IDS, failClosedDecision } from '../evaluate/decision.js';
import { evaluateInvocation } from '../evaluate/git-invocation.js';
import type { CompiledPolicy, Decision, GitRequest } from '../evaluate/types.js';
import type { GitInvocation } from '../git/invocation.js';
import { normalizeInvocation } from '../git/normalize.js';
import { parseInvocation } from '../git/parse.js';
import type { RepoInfo } from '../repo/discover.js';
import type { GitRunner } from '../util/git-runner.js';
import { gatherFacts, type FactSources } from './gather.js';
import { COMPILE_HINT, loadPolicyFor } from './policy.js';
import { createRealGitRunner } from './real-git.js';

export interface DecideGitOptions {
  argv: string[];
  cwd: string;
  /** The call's environment as it would run (its GIT_DIR, GIT_CONFIG_* shape the facts). */
  env: Record<string, string | undefined>;
  /**
   * The deciding process's own environment (default `env`): which git gitfence runs for its reads,
   * and where its home and global policy are. A checked call's assignments must not choose those.
   */
  hostEnv?: Record<string, string | undefined>;
  agent: string | null;
  now: () => number;
  tty?: boolean;
  git?: GitRunner;
  home?: string;
  /** Called from an agent-facing entry point (src/agents/*): the global policy must be trusted. */
  agentContext?: boolean;
  /** Gather every fact (explain). */
  all?: boolean;
  sources?: Partial<FactSources>;
}

export interface DecidedGit {
  decision: Decision;
  request: GitRequest | null;
  invocation: GitInvocation | null;
  policy: CompiledPolicy | null;
  policyFile: string | null;
  repo: RepoInfo | null;
  gitSpawns: number;
}

export async function decideGit(options: DecideGitOptions): Promise<DecidedGit> {
  const { argv, cwd, env, agent } = options;
  const hostEnv = options.hostEnv ?? env;
  // node:os only when HOME is unset: the check path avoids loading builtins it does not need
  const home = options.home ?? hostEnv.HOME ?? (await import('node:os')).homedir();
  const git = options.git ?? createRealGitRunner(env, home, 'as-called', { locateFrom: hostEnv });
  let policyFile: string | null = null;
  let gathered;
  try {
    gathered = await gatherFacts({
      cwd,
      env,
      git,
      now: options.now,
      agent,
      argv,
      tty: options.tty,
      home,
      all: options.all,
      sources: options.sources,
      parse: (args, aliases) => parseInvocation(args, { env, cwd, aliases }),
      policy: async (repo) => {
        const loaded = await loadPolicyFor(
          repo,
          hostEnv,
          home,
          options.agentContext === true || agent !== null,
        );
        policyFile = loaded.file;
        return loaded.policy;
      },
    });
  } catch (error) {
    if (
      isGitfenceError(error) &&
      (error.code === 'POLICY_NOT_COMPILED' || error.code === 'POLICY_CORRUPT')
    ) {
      const ruleId =
        error.code === 'POLICY_NOT_COMPILED'
          ? BUILTIN_IDS.policyNotCompiled
          : BUILTIN_IDS.policyCorrupt;
      const where = error.details.where ? ` (${error.details.where})` : '';
      return {
        decision: failClosedDecision(
          ruleId,
          `${error.message}${where}: gitfence denies every git call until the policy is compiled`,
          error.details.hint ?? COMPILE_HINT,
        ),
        request: null,
        invocation: null,
        policy: null,
        policyFile,
        repo: null,
        gitSpawns: 0,
      };
    }
    throw error;
  }
  const { facts, policy, repo } = gathered;
  const request: GitRequest = { kind: 'git', argv, env, cwd, agent, facts };
  const invocation = parseInvocation(argv, { env, cwd, aliases: facts.aliases, refs: facts.refs });
  const decision = evaluateInvocation(policy, {
    invocation,
    normalize: normalizeInvocation,
    request,
  });
  return { decision, request, invocation, policy, policyFile, repo, gitSpawns: gathered.gitSpawns };
}

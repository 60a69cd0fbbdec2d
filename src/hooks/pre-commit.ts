/**
 * `gitfence hook pre-commit`: the commit scope check (lock scopes, `evaluateCommitScope`) and the
 * policy's commit-stage custom checks (`evaluateCommitChecks`); deny wins.
 */
import { homedir } from 'node:os';
import { parseFlags } from '../cli/args.js';
import { GitfenceError } from '../errors.js';
import { combineDecisions } from '../evaluate/checks.js';
import { evaluate } from '../evaluate/evaluate.js';
import type { CommitRequest, CompiledPolicy, Decision } from '../evaluate/types.js';
import { loadPolicyFor } from '../facts/policy.js';
import { bakedRealGit, createRealGitRunner, type RealGitSource } from '../facts/real-git.js';
import { discoverRepo, type RepoInfo } from '../repo/discover.js';
import { renderDenialLine } from '../render/denial.js';
import { readActiveLeases } from '../scopes/facts.js';
import { agentFrom } from '../scopes/settings.js';
import { gatherStagedChanges } from '../scopes/staged.js';
import type { GitRunner } from '../util/git-runner.js';
import type { CliContext, CommandResult } from '../cli/context.js';
import { evaluateCommitChecks } from './commit-checks.js';

export interface CommitScopeInput {
  cwd: string;
  env: Record<string, string | undefined>;
  now: () => number;
  git?: GitRunner;
  /** Already loaded by the caller, to load it once per hook run. */
  repo?: RepoInfo;
  policy?: CompiledPolicy;
}

export interface CommitScopeResult {
  request: CommitRequest;
  decision: Decision;
  policy: CompiledPolicy;
  repo: RepoInfo;
}

/** Gather the staged changes, the agent and the leases, and let the evaluator decide. */
export async function evaluateCommitScope(input: CommitScopeInput): Promise<CommitScopeResult> {
  const home = input.env.HOME || homedir();
  const git = input.git ?? createRealGitRunner(input.env, home, 'as-called');
  const repo = input.repo ?? (await discoverRepo(input.cwd, git));
  if (!repo) {
    throw new GitfenceError('NOT_A_REPOSITORY', 'the pre-commit hook ran outside a repository', {
      where: input.cwd,
    });
  }
  const policy = input.policy ?? (await loadPolicyFor(repo, input.env, home)).policy;
  const agent = agentFrom(undefined, input.env);
  const [changes, leases] = await Promise.all([
    gatherStagedChanges(git, repo.topLevel ?? input.cwd),
    // A human's commit needs no leases; an agent's fails closed on an unreadable store.
    agent === null ? Promise.resolve([]) : readActiveLeases(repo.stateDir, input.now()),
  ]);
  const request: CommitRequest = { kind: 'commit', agent, changes, facts: { leases } };
  return { request, decision: evaluate(policy, request), policy, repo };
}

/** stderr text: the one-line denial, then each rule's paths; warnings one per line. */
export function renderCommitScope(decision: Decision): string {
  const lines: string[] = [];
  if (decision.outcome === 'deny') {
    lines.push(renderDenialLine(decision));
    for (const match of decision.matches.filter((m) => m.outcome === 'deny')) {
      lines.push(`  ${match.ruleId}: ${match.reason}`);
    }
  }
  for (const warning of decision.warnings) lines.push(`gitfence: warning ${warning}`);
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/** `[--real-git GIT] [--]`: the git `gitfence init` baked into the hook script, when it did. */
function readRealGitFlag(args: string[]): RealGitSource {
  const { values } = parseFlags(
    { args, options: { 'real-git': { type: 'string' } }, allowPositionals: true, strict: true },
    {
      where: 'gitfence hook pre-commit',
      expected: 'gitfence hook pre-commit [--real-git GIT]',
      got: args.join(' '),
    },
  );
  return values['real-git'] === undefined ? {} : { gitPath: bakedRealGit(values['real-git']) };
}

export async function run(context: CliContext): Promise<CommandResult> {
  // the hook inherits the committer's environment: only the git `gitfence init` baked in is trusted
  const source = readRealGitFlag(context.args);
  const git = createRealGitRunner(context.env, context.env.HOME || homedir(), 'as-called', source);
  const scope = await evaluateCommitScope({ ...context, git });
  const checks = await evaluateCommitChecks({
    policy: scope.policy,
    repo: scope.repo,
    git,
    agent: scope.request.agent,
  });
  const decision = combineDecisions(scope.decision, checks);
  context.stderr.write(renderCommitScope(decision));
  return decision.outcome === 'deny' ? 'denied' : 'ok';
}

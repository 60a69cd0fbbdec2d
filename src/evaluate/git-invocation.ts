/**
 * Deciding one parsed git invocation: builtin guards, every compiled rule, the default action and
 * the allowlist, then auto-scoping. Pure: the parse (and its normalised form) is done by the caller.
 */
import { posix } from 'node:path';
import type { GitInvocation } from '../git/invocation.js';
import { quoteWord } from '../git/normalize.js';
import { describeWriteLockDenial } from '../writelock/describe.js';
import { aggregate, BUILTIN_IDS, builtinMatch } from './decision.js';
import { cachedRegex, matchSpec, type MatchContext } from './match.js';
import { pathOperands, verbOf } from './operands.js';
import type { CompiledPolicy, CompiledRule, Decision, GitRequest, RuleMatch } from './types.js';

export interface InvocationInput {
  invocation: GitInvocation;
  /** `normalizeInvocation`: the text keyword and pattern rules test. */
  normalize: (invocation: GitInvocation) => string;
  request: GitRequest;
}

/**
 * Environment that names config files or git's own programs, not the repository git acts on. A harness
 * sets these (and git itself sets GIT_EXEC_PATH for hooks and aliases), so they are left to rules.
 * GIT_CONFIG_NOSYSTEM is a switch, never a path. GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE,
 * GIT_OBJECT_DIRECTORY and GIT_COMMON_DIR stay guarded: they move what git acts on.
 */
const NOT_REPOSITORY_TARGETS = new Set([
  'GIT_CONFIG',
  'GIT_CONFIG_GLOBAL',
  'GIT_CONFIG_SYSTEM',
  'GIT_EXEC_PATH',
  'GIT_TEMPLATE_DIR',
]);

/** The path options and variables the path guard checks. */
export function guardedPaths(inv: GitInvocation): GitInvocation['paths'] {
  return inv.paths.filter((p) => !NOT_REPOSITORY_TARGETS.has(p.option));
}

function isInside(path: string, root: string): boolean {
  const p = posix.normalize(path).replace(/\/+$/, '') || '/';
  const r = posix.normalize(root).replace(/\/+$/, '') || '/';
  return r === '/' || p === r || p.startsWith(`${r}/`);
}

/** One compiled rule against the call: the match, or null. */
export function evaluateRule(
  rule: CompiledRule,
  inv: GitInvocation,
  normalized: string,
  ctx: MatchContext,
): RuleMatch | null {
  const why = matchSpec(rule.match, inv, ctx);
  if (!why) return null;
  if (rule.contains !== undefined) {
    if (!normalized.includes(rule.contains)) return null;
    why.push(`contains ${JSON.stringify(rule.contains)}`);
  }
  if (rule.pattern !== undefined) {
    const re = cachedRegex(rule.pattern);
    const hit = re?.exec(normalized);
    if (!hit) return null;
    why.push(`pattern /${rule.pattern}/ (matched ${JSON.stringify(hit[0])})`);
  }
  for (const exemption of rule.unless) {
    if (matchSpec(exemption, inv, ctx)) return null;
  }
  const match: RuleMatch = {
    ruleId: rule.id,
    outcome: rule.action,
    reason: rule.reason,
    alert: rule.alert,
    source: rule.source,
  };
  if (rule.instead !== undefined) match.instead = rule.instead;
  match.detail = why.length > 0 ? why.join('; ') : 'matches every call';
  return match;
}

function guardMatches(
  policy: CompiledPolicy,
  inv: GitInvocation,
  request: GitRequest,
): RuleMatch[] {
  const matches: RuleMatch[] = [];
  if (inv.problems.length > 0) {
    matches.push(
      builtinMatch(
        BUILTIN_IDS.unparseable,
        'deny',
        'gitfence reads git calls exactly as git does; this one it cannot read with certainty, so it does not run',
        'write the call in a plain form (full option names, no ambiguous abbreviations or unknown options)',
        inv.problems.join('; '),
      ),
    );
  }
  // Stop before git fails with a cryptic `index.lock: Operation not permitted`.
  const lock = request.facts.writeLock && describeWriteLockDenial(request.facts.writeLock, inv);
  if (lock) {
    matches.push(
      builtinMatch(
        BUILTIN_IDS.writeLock,
        'deny',
        lock.reason,
        lock.instead,
        lock.details.join('; '),
      ),
    );
  }
  const roots = request.facts.allowedRoots;
  const guarded = guardedPaths(inv);
  if (policy.settings.paths.guard && roots && guarded.length > 0) {
    const outside = guarded
      .filter((p) => !roots.some((root) => isInside(p.resolved, root)))
      .map((p) => `${p.option} ${p.value} → ${p.resolved} (outside)`);
    // The roots come from the repository the paths name (GIT_DIR=other/.git lists other's worktrees),
    // so the call must also run from inside one of them: otherwise it acts on another repository.
    if (outside.length === 0 && !roots.some((root) => isInside(inv.cwd, root))) {
      const named = guarded.map((p) => `${p.option} ${p.value}`).join(', ');
      outside.push(
        `${named} names a repository whose roots do not hold the working directory ${inv.cwd}`,
      );
    }
    if (outside.length > 0) {
      matches.push(
        builtinMatch(
          BUILTIN_IDS.pathGuard,
          'deny',
          'path options must stay inside this repository and its worktrees, so an agent cannot act on another repository',
          `run git from inside an allowed root (${roots.join(', ')}) without pointing it elsewhere`,
          outside.join('; '),
        ),
      );
    }
  }
  return matches;
}

function allowlisted(policy: CompiledPolicy, inv: GitInvocation): boolean {
  if (inv.subcommand === null) return false;
  if (policy.allow.includes(inv.subcommand)) return true;
  const verb = verbOf(inv);
  return verb !== undefined && policy.allow.includes(`${inv.subcommand} ${verb}`);
}

/** Auto-scoping: an agent's `status`/`diff` without a pathspec sees only its own lock scopes. */
function autoScope(
  policy: CompiledPolicy,
  inv: GitInvocation,
  request: GitRequest,
): { match: RuleMatch; rewrite?: Decision['rewrite'] } | null {
  const sub = inv.subcommand;
  if (sub === null || !policy.settings.scopes.autoScope.includes(sub)) return null;
  const agentSession = request.agent !== null || request.facts.agentSession === true;
  if (!agentSession) return null;
  if (pathOperands(inv, request.facts.refs, 'revision').length > 0) return null;

  const agent = request.agent;
  const patterns: string[] = [];
  if (agent !== null) {
    for (const lease of request.facts.leases ?? []) {
      if (lease.owner !== agent) continue;
      for (const pattern of lease.patterns) if (!patterns.includes(pattern)) patterns.push(pattern);
    }
  }
  if (agent === null || patterns.length === 0) {
    const who =
      agent === null
        ? 'this agent session has no agent name'
        : `agent ${agent} holds no active lock scope`;
    const name = agent === null ? '<your-agent-name>' : quoteWord(agent);
    return {
      match: builtinMatch(
        BUILTIN_IDS.scopeRequired,
        'deny',
        `in a shared working tree an agent sees only its own lock scopes, so other agents' changes are not shown to it (${who})`,
        `LLM_AGENT_NAME=${name} gitfence lock acquire '<glob>'   # then run git ${sub} again, or name paths: git ${sub} -- <path>`,
        `${sub} without a pathspec in an agent session`,
      ),
    };
  }
  // `top` keeps the scopes relative to the repository root from any subdirectory.
  const scoped = patterns.map((pattern) => `:(top,glob)${pattern}`);
  const argv = inv.doubleDash ? [...request.argv, ...scoped] : [...request.argv, '--', ...scoped];
  const reason = `scoped to ${agent}'s lock scopes: ${patterns.join(', ')}`;
  return {
    match: builtinMatch(
      BUILTIN_IDS.autoScope,
      'allow',
      reason,
      undefined,
      `${sub} without a pathspec`,
    ),
    rewrite: { argv, reason },
  };
}

/** Every rule against the call, then against each git call a `!` shell alias makes (deny wins over all). */
function ruleMatches(
  policy: CompiledPolicy,
  inv: GitInvocation,
  input: InvocationInput,
  ctx: MatchContext,
  prefix: string,
  depth: number,
): RuleMatch[] {
  const matches: RuleMatch[] = [];
  const normalized = input.normalize(inv);
  for (const rule of policy.rules) {
    const match = evaluateRule(rule, inv, normalized, ctx);
    if (!match) continue;
    if (prefix) match.detail = `${prefix}${match.detail ?? ''}`;
    matches.push(match);
  }
  if (depth < 8) {
    for (const call of inv.shellCalls ?? []) {
      const label = `${prefix}shell alias runs \`${['git', ...call.raw].join(' ')}\`: `;
      matches.push(...ruleMatches(policy, call, input, ctx, label, depth + 1));
    }
  }
  return matches;
}

export function evaluateInvocation(policy: CompiledPolicy, input: InvocationInput): Decision {
  const { invocation: inv, request } = input;
  const ctx: MatchContext = { agent: request.agent, env: request.env, refs: request.facts.refs };
  const matches = guardMatches(policy, inv, request);
  const ruled = ruleMatches(policy, inv, input, ctx, '', 0);
  matches.push(...ruled);
  // an allow rule lets a call through a default deny (never through a deny)
  const explicitlyAllowed = ruled.some((m) => m.outcome === 'allow');
  let denied = matches.some((m) => m.outcome === 'deny');
  if (
    !denied &&
    policy.defaultAction === 'deny' &&
    !explicitlyAllowed &&
    !allowlisted(policy, inv)
  ) {
    const allowed = policy.allow.length > 0 ? policy.allow.join(', ') : 'nothing';
    matches.push(
      builtinMatch(
        BUILTIN_IDS.defaultDeny,
        'deny',
        'this policy denies every git call it does not list as allowed',
        `use an allowed command (${allowed}) or ask the orchestrator`,
        `${inv.subcommand ?? '(no subcommand)'} is not in the allowlist`,
      ),
    );
    denied = true;
  }
  let rewrite: Decision['rewrite'];
  if (!denied) {
    const scope = autoScope(policy, inv, request);
    if (scope) {
      matches.push(scope.match);
      rewrite = scope.rewrite;
    }
  }
  const { outcome, alert, warnings } = aggregate(matches);
  const decision: Decision = {
    outcome,
    alert,
    matches,
    warnings,
    invocation: {
      subcommand: inv.subcommand,
      typed: inv.typed,
      aliasChain: inv.aliasChain,
      effects: inv.effects,
      problems: inv.problems,
      options: inv.options.map((o) => o.name),
    },
  };
  if (rewrite) decision.rewrite = rewrite;
  return decision;
}

/**
 * The evaluator's contract (SPEC §4): `evaluate(policy, request) → Decision`, pure.
 * Facts the evaluator needs are gathered at the edges and passed in the request.
 */
import type { Effect, GitInvocation } from '../git/invocation.js';
import type { MatchSpec, ResolvedSettings } from '../policy/schema.js';

export type Outcome = 'allow' | 'deny';
export type RuleOutcome = 'deny' | 'warn' | 'allow';
export type AlertLevel = 'normal' | 'maximum';

/** Where a rule was defined, so a denial can point at it. */
export interface RuleSource {
  /** `preset:opsGitSafety`, `preset:precise`, `global`, `repository`, or `builtin` (gitfence's own guards). */
  layer: string;
  /** The policy file, when the layer came from one. */
  file?: string;
  /** The path inside the policy: `rules[3]`, `git.blockedSubcommands.reset`, `git.denyIfContains[0]`. */
  path: string;
}

/** A rule as the evaluator runs it: every policy construct (blocked subcommands, keywords, patterns, rules) compiles to this. */
export interface CompiledRule {
  id: string;
  action: RuleOutcome;
  reason: string;
  instead?: string;
  alert: AlertLevel;
  match: MatchSpec;
  unless: MatchSpec[];
  /** For keyword and pattern rules: matched against the normalised invocation. */
  contains?: string;
  pattern?: string;
  source: RuleSource;
}

export interface CompiledPolicy {
  format: 'gitfence/compiled-policy@1';
  /** sha256 over every source file that went into it, in layer order. */
  sourceHash: string;
  layers: Array<{ layer: string; file?: string; sha256?: string; name?: string }>;
  defaultAction: 'allow' | 'deny';
  allow: string[];
  rules: CompiledRule[];
  settings: ResolvedSettings;
  /** Custom checks by id; their functions live in the compiled policy module beside this JSON. */
  checks: Array<{
    id: string;
    severity: 'error' | 'warn';
    stage: 'push' | 'commit';
    description?: string;
    source: RuleSource;
  }>;
}

/** An active lease on path globs (lock scopes). */
export interface LeaseFact {
  id: string;
  owner: string;
  patterns: string[];
  exclusive: boolean;
  token: number;
  expiresAt: number; // epoch ms, by the store's clock
}

export interface WriteLockFact {
  state: 'unlocked' | 'locked';
  mode?: 'immutable' | 'chmod' | 'external';
  holder?: string;
  expiresAt?: number;
  /** A push window's lease ran out but the lock was not re-armed yet (its watchdog died). */
  rearmDue?: boolean;
}

/** Facts about the repository and session, gathered at the edge. All optional: absent means unknown. */
export interface Facts {
  /** `alias.*` from every config file git reads here (per-call `-c`/env config comes from argv/env). */
  aliases?: Record<string, string>;
  /** Ref short names (branches, tags, remotes) known here: tells `checkout main` from `checkout file`. */
  refs?: string[];
  /** Absolute roots path options must stay inside (the repository's worktrees plus policy roots). */
  allowedRoots?: string[];
  /** The repository's top level, when inside one. */
  repoRoot?: string;
  /** Active leases of every agent. */
  leases?: LeaseFact[];
  writeLock?: WriteLockFact;
  /** Is a human at a controlling terminal? */
  tty?: boolean;
  /** Is this call made inside an agent session (`LLM_AGENT_NAME` or an agent marker is set)? */
  agentSession?: boolean;
}

export interface GitRequest {
  kind: 'git';
  /** argv after `git` (or after `git-<cmd>` with the dashed name as first element, see parser). */
  argv: string[];
  env: Record<string, string | undefined>;
  cwd: string;
  agent: string | null;
  facts: Facts;
}

export interface PathChange {
  path: string;
  /** For renames and copies: the other side, which counts too. */
  oldPath?: string;
  status: string; // git's letter: A M D R C T
}

export interface CommitRequest {
  kind: 'commit';
  agent: string | null;
  changes: PathChange[];
  facts: Facts;
}

export interface SavePatchRequest {
  kind: 'save-patch';
  agent: string | null;
  all: boolean;
  paths: string[];
  facts: Facts;
}

export interface PushRefUpdate {
  localRef: string;
  localSha: string;
  remoteRef: string;
  remoteSha: string;
  /** Edge-computed: is remoteSha an ancestor of localSha? undefined when the remote side is new or unknown. */
  fastForward?: boolean;
}

export interface PushRequest {
  kind: 'push';
  agent: string | null;
  remote: { name: string; url: string };
  updates: PushRefUpdate[];
  /** Files touched by the pushed commits, with sizes. */
  files: Array<PathChange & { size?: number }>;
  addedLines: Array<{ path: string; line: string; commit?: string }>;
  facts: Facts;
}

/** What removing an agent's worktree would lose, gathered at the edge (`gitfence worktree release`). */
export interface WorktreeWork {
  path: string;
  /** The branch checked out there (null when detached). */
  branch: string | null;
  /** The directory is there and git still knows it as a worktree. */
  exists: boolean;
  /** What the work is measured against: the main worktree's HEAD, or `--into REV`. */
  into: string;
  /** Paths whose content in the worktree (committed or not) is not in `into`, even as a patch. */
  undelivered: string[];
  /** The worktree has uncommitted changes (tracked or untracked, not ignored). */
  dirty: boolean;
  /** Commits on the worktree's HEAD not in `into`'s history. */
  unmergedCommits: number;
  /** Of those, commits no branch holds: removing the worktree would leave them unreachable. */
  strandedCommits: number;
  /** Why the worktree is locked against removal (`git worktree lock`), or null. */
  lockedReason: string | null;
}

export interface WorktreeRequest {
  kind: 'worktree';
  action: 'add' | 'release';
  /** The agent whose worktree it is. */
  owner: string;
  /** Who asks (LLM_AGENT_NAME); null for the orchestrator or a human. */
  agent: string | null;
  /** `release --force`: snapshot unsaved work instead of refusing. */
  force: boolean;
  /** Release only; absent until gathered, so who may ask is decided before anything is read. */
  work?: WorktreeWork;
  facts: Facts;
}

export type EvaluationRequest =
  GitRequest | CommitRequest | SavePatchRequest | PushRequest | WorktreeRequest;

export interface RuleMatch {
  ruleId: string;
  outcome: RuleOutcome;
  reason: string;
  instead?: string;
  alert: AlertLevel;
  source: RuleSource;
  /** Why it matched: `option --hard (typed --har)`, `alias nuke → reset --hard`. */
  detail?: string;
}

export interface Decision {
  /** Deny wins over everything. */
  outcome: Outcome;
  /** Every matching rule, in evaluation order. */
  matches: RuleMatch[];
  warnings: string[];
  /** The loudest alert among denials; `none` when allowed. */
  alert: 'none' | AlertLevel;
  /** For auto-scoping: the argv git should run instead. */
  rewrite?: { argv: string[]; reason: string };
  /** What the evaluator understood, for explain and audit. */
  invocation?: Pick<
    GitInvocation,
    'subcommand' | 'typed' | 'aliasChain' | 'effects' | 'problems'
  > & {
    options: string[];
  };
}

export type { Effect };

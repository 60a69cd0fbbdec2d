/**
 * The policy language (SPEC §3). This zod schema is the one source of truth: `PolicyInput` (what an
 * author writes) and `Policy` (what the compiler sees after defaults) are both inferred from it.
 */
import { z } from 'zod';
import { EFFECTS } from '../git/invocation.js';
import { DEFAULT_AGENT_MARKERS } from './agent-markers.js';

const oneOrMany = <T extends z.ZodType>(item: T) => z.union([item, z.array(item)]);

/** An option as git spells it canonically: `--force`, `--hard`, `-D`. Typed so authors cannot forget the dash. */
export const OptionName = z.custom<`-${string}`>(
  (value) => typeof value === 'string' && /^-[^\s]*$/.test(value) && value !== '-',
  'an option such as "--force" or "-D"',
);
const options = () => z.array(OptionName);

/** Rule and check ids: kebab-case, may be namespaced with `/` (`rollback/reset`). */
const Id = (example: string) =>
  z.string().regex(/^[a-z0-9][a-z0-9._/-]*$/, `a kebab-case id such as "${example}"`);

/** A duration: seconds as a number, or `90s`, `30m`, `4h`, `2d`. */
export const Duration = z.union([
  z.number().int().positive(),
  z.string().regex(/^\d+(ms|s|m|h|d)$/, 'a duration such as "90s", "30m", "4h"'),
]);

/** A size: bytes as a number, or `512KB`, `5MB`, `1GB`. */
export const Size = z.union([
  z.number().int().nonnegative(),
  z.string().regex(/^\d+(B|KB|MB|GB)$/, 'a size such as "512KB", "5MB"'),
]);

export const AlertLevel = z.enum(['normal', 'maximum']);
export const RuleAction = z.enum(['deny', 'warn', 'allow']);
export const CheckMode = z.enum(['deny', 'warn', 'off']);
export const Effect = z.enum(EFFECTS);

/**
 * A shape of git invocation. Every field given must hold (AND); list-valued fields match when any
 * element matches (OR). Option names are canonical (`--force`, `--hard`, `-D`): the parser resolves
 * bundles (`-fdx`) and abbreviations (`--har`) before matching.
 */
export const Match = z
  .object({
    /** The builtin after alias expansion and `git-<cmd>` forms: `reset`, `push`. `*` for any. */
    subcommand: oneOrMany(z.string().min(1)).optional(),
    /** The first operand, for subcommands with verbs: `stash drop`, `worktree remove`, `reflog expire`. */
    verb: oneOrMany(z.string().min(1)).optional(),
    /** At least one of these options is present (canonical names: `--force`, not `-f`). */
    anyOption: options().optional(),
    /** All of these options are present. */
    allOptions: options().optional(),
    /** None of these options is present. */
    noOption: options().optional(),
    /**
     * The call has at least one of these effects. Prefer effects to options: the parser works out
     * every spelling (`-f`, `--forc`, `+main`, `--mirror`) and names the danger once.
     */
    effect: oneOrMany(Effect).optional(),
    /** true: the call names paths (after `--`, or operands git reads as paths); false: it names none. */
    pathspec: z.boolean().optional(),
    /** A regex (source) that some operand or pathspec matches. */
    operand: z.string().optional(),
    /** Environment variables: `true` means set (to anything), a string means equal to it. */
    env: z.record(z.string(), z.union([z.literal(true), z.string()])).optional(),
    /** Per-call config (`-c key=value`, `GIT_CONFIG_*`): `true` means set, a string means equal. */
    config: z.record(z.string(), z.union([z.literal(true), z.string()])).optional(),
    /** Agent names (globs). `*` is any agent; `null` matches calls made without an agent identity. */
    agent: z.union([oneOrMany(z.string().min(1)), z.null()]).optional(),
  })
  .strict();

export const Examples = z
  .object({
    /** git argv strings (without the leading `git`) this rule must match: `reset --hard HEAD~1`. */
    match: z.array(z.string()).default([]),
    /** git argv strings this rule must not match. */
    notMatch: z.array(z.string()).default([]),
  })
  .strict();

export const Rule = z
  .object({
    /** Stable id, shown in every denial: kebab-case, may be namespaced with `/`. A later layer's rule with the same id replaces this one. */
    id: Id('no-force-push'),
    /** `deny` stops the call (exit 42); `warn` lets it run and prints the reason; `allow` records an explicit allowance. */
    action: RuleAction.default('deny'),
    /** What the rule protects, in one sentence an agent will read. */
    reason: z.string().min(1),
    /** What to do instead. */
    instead: z.string().optional(),
    /** `maximum` makes the denial loud on the terminal: for commands that destroy other agents' work. */
    alert: AlertLevel.default('normal'),
    /** The shape of call this rule is about. */
    match: Match,
    /** Exemptions: the rule does not apply when any of these matches. */
    unless: z.array(Match).default([]),
    /** Calls the rule must and must not match; `gitfence compile` fails when one does not hold. */
    examples: Examples.optional(),
  })
  .strict();

export const BlockedSubcommand = z
  .object({
    /** The rule id shown in denials; default `blocked/<subcommand>`. */
    id: Id('rollback/reset').optional(),
    /** What blocking it protects, in one sentence an agent will read. */
    reason: z.string().min(1),
    /** What to do instead. */
    instead: z.string().optional(),
    alert: AlertLevel.default('normal'),
    /** Argument shapes that stay allowed (`checkout -b`, `restore --staged`, `clean -n`). */
    exempt: z.array(Match.omit({ subcommand: true })).default([]),
    /** Calls that must be blocked and calls that must stay allowed; checked at compile time. */
    examples: Examples.optional(),
  })
  .strict();

export const GitSettings = z
  .object({
    /** Subcommands denied outright (after alias expansion), keyed by name. */
    blockedSubcommands: z.record(z.string(), BlockedSubcommand).default({}),
    /** Keywords: a call whose normalised invocation (`git <subcommand> <args…>`, aliases expanded) contains one is denied. */
    denyIfContains: z.array(z.string().min(1)).default([]),
    /** Regexes (JavaScript source, no slashes) over the normalised invocation; each must compile. */
    denyPatterns: z.array(z.string().min(1)).default([]),
  })
  .strict();

export const ScopeSettings = z
  .object({
    defaultTtl: Duration.default('30m'),
    maxTtl: Duration.default('4h'),
    /** Subcommands rewritten to the agent's scopes when given no pathspec. */
    autoScope: z.array(z.string()).default(['status', 'diff']),
    /** An agent's commit outside its scopes or inside another agent's exclusive scope. */
    commitCheck: CheckMode.default('deny'),
    /** `save-patch --all` for agents (the orchestrator, with no agent name, may always). */
    saveAll: z.enum(['allow', 'deny']).default('deny'),
  })
  .strict();

/** What a custom check receives (push and commit stages). */
export interface CheckContext {
  stage: 'push' | 'commit';
  agent: string | null;
  commits: ReadonlyArray<{ sha: string; subject: string; author: string }>;
  files: ReadonlyArray<{ path: string; oldPath?: string; status: string; size?: number }>;
  /** The unified diff of what is being pushed or committed. */
  diff: string;
  /** Lines added by the change, with their file. */
  addedLines: ReadonlyArray<{ path: string; line: string }>;
  remote?: { name: string; url: string };
  refs?: ReadonlyArray<{
    localRef: string;
    remoteRef: string;
    localSha: string;
    remoteSha: string;
  }>;
}

export type CheckResult = void | string | string[] | { errors?: string[]; warnings?: string[] };

export type CheckFunction = (context: CheckContext) => CheckResult | Promise<CheckResult>;

export const CustomCheck = z
  .object({
    id: Id('docs-match-code'),
    /** `warn` prints but never blocks; `error` blocks. */
    severity: z.enum(['error', 'warn']).default('error'),
    stage: z.enum(['push', 'commit']).default('push'),
    description: z.string().optional(),
    /** Receives a CheckContext; returns nothing (pass), a message or messages (fail), or `{errors, warnings}`. */
    run: z.custom<CheckFunction>((value) => typeof value === 'function', 'a function'),
  })
  .strict();

export const PushSettings = z
  .object({
    /** Branch globs no one pushes to directly. */
    protectedBranches: z.array(z.string().min(1)).default([]),
    forcePush: CheckMode.default('deny'),
    deleteBranches: CheckMode.default('deny'),
    deleteTags: CheckMode.default('deny'),
    /** Keywords denied on added lines of pushed commits. */
    denyIfContains: z.array(z.string().min(1)).default([]),
    /** Regexes (source) denied on added lines of pushed commits. */
    denyPatterns: z.array(z.string().min(1)).default([]),
    maxFileSize: Size.default('5MB'),
    /** Agents pushing commits that touch paths outside their scopes. */
    outOfScope: CheckMode.default('deny'),
    checks: z.array(CustomCheck).default([]),
  })
  .strict();

export const CommitSettings = z
  .object({
    checks: z.array(CustomCheck).default([]),
  })
  .strict();

export const PathSettings = z
  .object({
    /** Roots that `-C`, `--git-dir`, `--work-tree`, `GIT_DIR`, … must stay inside. Default: the repository's worktrees. */
    allowedRoots: z.array(z.string().min(1)).default([]),
    /** Guard path-taking options at all. */
    guard: z.boolean().default(true),
  })
  .strict();

export const WriteLockSettings = z
  .object({
    mode: z.enum(['auto', 'immutable', 'chmod']).default('auto'),
    pushWindowTtl: Duration.default('120s'),
  })
  .strict();

export const BreakGlassSettings = z
  .object({
    enabled: z.boolean().default(true),
    attempts: z.number().int().min(1).max(10).default(3),
    timeout: Duration.default('60s'),
    /** Ignored files larger than this are left out of the pre-command snapshot. */
    snapshotIgnoredMaxBytes: Size.default('10MB'),
  })
  .strict();

export const AuditSettings = z
  .object({
    /** Relative to the state dir (`<git-common-dir>/gitfence/`), or absolute. */
    path: z.string().default('audit.jsonl'),
    maxBytes: Size.default('10MB'),
    keep: z.number().int().min(1).max(100).default(5),
  })
  .strict();

export const ShimSettings = z
  .object({
    /** Environment variables whose presence marks an agent session (the shim goes first on PATH there). */
    agentMarkers: z
      .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/))
      .default([...DEFAULT_AGENT_MARKERS]),
  })
  .strict();

const PolicyObject = z
  .object({
    /**
     * Policies this one builds on, earliest first: later settings win, lists are concatenated,
     * rules with the same id are replaced. Extending any preset here replaces the implicit default
     * (`opsGitSafety`), which is how a repository opts into `precise`.
     */
    extends: z.array(z.lazy((): z.ZodType<PolicyInputLike> => PolicyRef)).default([]),
    /** A human name for `explain` and `doctor`. */
    name: z.string().optional(),
    /** What happens to a call no rule denies and the allowlist does not name. */
    defaultAction: z.enum(['allow', 'deny']).optional(),
    /** Subcommands (`status`) or subcommand + verb (`stash list`) allowed when `defaultAction` is `deny`. Deny checks run first. */
    allow: z.array(z.string().min(1)).optional(),
    /** Rule ids from earlier layers to switch off. */
    disableRules: z.array(z.string()).optional(),
    git: GitSettings.partial().optional(),
    rules: z.array(Rule).optional(),
    scopes: ScopeSettings.partial().optional(),
    push: PushSettings.partial().optional(),
    commit: CommitSettings.partial().optional(),
    paths: PathSettings.partial().optional(),
    writeLock: WriteLockSettings.partial().optional(),
    breakGlass: BreakGlassSettings.partial().optional(),
    audit: AuditSettings.partial().optional(),
    shim: ShimSettings.partial().optional(),
  })
  .strict();

// `extends` takes whole policies (as definePolicy returns them); checked structurally when layered.
type PolicyInputLike = Record<string, unknown>;
const PolicyRef = z.record(z.string(), z.unknown());

export const PolicySchema = PolicyObject;

/** What a policy author writes (defaults optional); `extends` takes other policies. */
export type PolicyInput = Omit<z.input<typeof PolicySchema>, 'extends'> & {
  extends?: readonly PolicyInput[];
};
/** One layer after validation. */
export type PolicyLayer = z.output<typeof PolicySchema>;
export type RuleInput = z.input<typeof Rule>;
export type MatchInput = z.input<typeof Match>;
export type CustomCheckInput = z.input<typeof CustomCheck>;

/** The fully merged settings every enforcement point reads (defaults applied). */
export const ResolvedSettings = z.object({
  scopes: ScopeSettings,
  push: PushSettings.omit({ checks: true }),
  paths: PathSettings,
  writeLock: WriteLockSettings,
  breakGlass: BreakGlassSettings,
  audit: AuditSettings,
  shim: ShimSettings,
});
export type ResolvedSettings = z.output<typeof ResolvedSettings>;
export type RuleSpec = z.output<typeof Rule>;
export type MatchSpec = z.output<typeof Match>;

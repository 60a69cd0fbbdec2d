/**
 * The facts edge: everything the pure evaluator needs about the repository and the session, read with
 * as few git processes as possible. A plain call spawns two, in parallel (repository discovery and the
 * alias table); refs and worktree roots are read only when the call needs them.
 */
import { isAbsolute, resolve } from 'node:path';
import { discoverRepo, type RepoInfo } from '../repo/discover.js';
import type { GitInvocation } from '../git/invocation.js';
import { guardedPaths } from '../evaluate/git-invocation.js';
import type { CompiledPolicy, Facts, LeaseFact, WriteLockFact } from '../evaluate/types.js';
import { invocationWritesGitDir } from '../writelock/describe.js';
import type { GitRunner } from '../util/git-runner.js';
import { readRepoAndAliases } from './fast-repo.js';
import { gatherAliases, gatherRefs, gatherWorktreeRoots } from './git-config.js';

/** Subcommands whose operands may be revisions or paths: only these need the ref names. */
const NEEDS_REFS = new Set([
  'checkout',
  'switch',
  'reset',
  'restore',
  'diff',
  'log',
  'show',
  'branch',
  'blame',
  'whatchanged',
  'shortlog',
  'diff-index',
  'diff-tree',
]);

export interface FactSources {
  discoverRepo: (cwd: string, git: GitRunner) => Promise<RepoInfo | null>;
  gatherAliases: typeof gatherAliases;
  gatherRefs: typeof gatherRefs;
  gatherWorktreeRoots: typeof gatherWorktreeRoots;
  readActiveLeases: (stateDir: string, now: number) => Promise<LeaseFact[]>;
  readWriteLockFact?: (repo: RepoInfo, now: number) => Promise<WriteLockFact>;
}

export interface GatherOptions {
  cwd: string;
  env: Record<string, string | undefined>;
  git: GitRunner;
  now: () => number;
  /** The compiled policy, or how to load it once the repository is known (its state dir holds it). */
  policy: CompiledPolicy | ((repo: RepoInfo | null) => Promise<CompiledPolicy>);
  /** The git argv being decided; facts are gathered only as far as it needs them. */
  argv?: string[];
  /** The agent the call is made for (`--agent`, else `LLM_AGENT_NAME`). */
  agent?: string | null;
  /** Pure parse, for deciding which facts the argv needs. */
  parse?: (argv: string[], aliases: Record<string, string>) => GitInvocation;
  tty?: boolean;
  /** The user's home directory, for the config files git reads (default: env HOME). */
  home?: string;
  /** Gather every fact, not only those the argv needs (explain, audit). */
  all?: boolean;
  sources?: Partial<FactSources>;
}

export interface Gathered {
  repo: RepoInfo | null;
  facts: Facts;
  policy: CompiledPolicy;
  /** git processes spawned, for benchmarks and tests. */
  gitSpawns: number;
}

/** LLM_AGENT_NAME or one of the policy's agent markers is set (non-empty). */
export function isAgentSession(
  env: Record<string, string | undefined>,
  markers: readonly string[],
): boolean {
  if (env.LLM_AGENT_NAME) return true;
  return markers.some((name) => env[name] !== undefined && env[name] !== '');
}

async function defaultWriteLock(repo: RepoInfo, now: number): Promise<WriteLockFact> {
  const { readWriteLockFact } = await import('../writelock/facts.js');
  const fact = await readWriteLockFact(repo, now);
  // A push window that outlived its lease re-arms here too (lazily), in case its watchdog died.
  if (!fact.rearmDue) return fact;
  const { ensureWriteLockState } = await import('../writelock/service.js');
  return ensureWriteLockState(repo, now).catch(() => fact);
}

async function defaultLeases(stateDir: string, now: number): Promise<LeaseFact[]> {
  const { readActiveLeases } = await import('./leases.js');
  return readActiveLeases(stateDir, now);
}

export async function gatherFacts(options: GatherOptions): Promise<Gathered> {
  const { cwd, env } = options;
  let spawns = 0;
  const git: GitRunner = {
    get gitPath() {
      return options.git.gitPath;
    },
    run: (args, runOptions) => {
      spawns++;
      return options.git.run(args, runOptions);
    },
  };
  const sources: FactSources = {
    discoverRepo,
    gatherAliases,
    gatherRefs,
    gatherWorktreeRoots,
    readActiveLeases: defaultLeases,
    readWriteLockFact: defaultWriteLock,
    ...options.sources,
  };

  // read from disk when that is certain to match git; otherwise two git processes, in parallel
  const custom = options.sources?.discoverRepo || options.sources?.gatherAliases;
  const disk = custom ? null : readRepoAndAliases(cwd, env, options.home ?? env.HOME ?? '/');
  const [repo, aliases] = disk
    ? [disk.repo, disk.aliases]
    : await Promise.all([sources.discoverRepo(cwd, git), sources.gatherAliases({ cwd, git, env })]);
  const policy = typeof options.policy === 'function' ? await options.policy(repo) : options.policy;
  const markers = policy.settings.shim.agentMarkers;
  const agent = options.agent ?? env.LLM_AGENT_NAME ?? null;
  const facts: Facts = {
    aliases,
    agentSession: isAgentSession(env, markers),
    tty: options.tty ?? false,
  };
  if (repo?.topLevel) facts.repoRoot = repo.topLevel;

  const inv = options.argv && options.parse ? options.parse(options.argv, aliases) : null;
  const sub = inv?.subcommand ?? null;
  const all = options.all === true || inv === null;

  const wantRefs = all || (sub !== null && NEEDS_REFS.has(sub) && inv!.operands.length > 0);
  const wantRoots = all || (policy.settings.paths.guard && guardedPaths(inv!).length > 0);
  const wantLeases =
    repo !== null &&
    (all ||
      (sub !== null &&
        policy.settings.scopes.autoScope.includes(sub) &&
        agent !== null &&
        inv!.pathspecs.length === 0));

  const [refs, roots, leases, writeLock] = await Promise.all([
    wantRefs && repo ? sources.gatherRefs({ cwd, git }) : undefined,
    wantRoots && repo?.topLevel ? sources.gatherWorktreeRoots({ cwd, git }) : undefined,
    wantLeases ? sources.readActiveLeases(repo!.stateDir, options.now()) : undefined,
    (all || invocationWritesGitDir(inv!)) && repo && sources.readWriteLockFact
      ? sources.readWriteLockFact(repo, options.now())
      : undefined,
  ]);
  if (refs) facts.refs = refs;
  if (wantRoots) {
    const base = repo?.topLevel ?? cwd;
    const policyRoots = policy.settings.paths.allowedRoots.map((root) =>
      isAbsolute(root) ? root : resolve(base, root),
    );
    // outside a repository no worktree is allowed: only the policy's own roots (fail closed)
    facts.allowedRoots = [...(roots ?? (repo?.topLevel ? [repo.topLevel] : [])), ...policyRoots];
    if (repo && !repo.topLevel) facts.allowedRoots.push(repo.commonDir);
  }
  if (leases) facts.leases = leases;
  if (writeLock) facts.writeLock = writeLock;
  return { repo, facts, policy, gitSpawns: spawns };
}

/** `gitfence lock acquire | renew | release | list`: lock scopes, leases on path globs per agent. */
import { homedir } from 'node:os';
import { parseArgs } from 'node:util';
import { GitfenceError, isGitfenceError } from '../../errors.js';
import { loadPolicyFor } from '../../facts/policy.js';
import { createRealGitRunner } from '../../facts/real-git.js';
import { discoverRepo, type RepoInfo } from '../../repo/discover.js';
import { statePaths } from '../../repo/state-paths.js';
import { createFileLeaseStore } from '../../scopes/file-store.js';
import { validateLeasePattern } from '../../scopes/patterns.js';
import {
  renderConflicts,
  renderDuration,
  renderGranted,
  renderLeaseLine,
  renderList,
} from '../../scopes/render.js';
import {
  agentFrom,
  DEFAULT_SCOPE_SETTINGS,
  resolveTtl,
  type ScopeSettings,
} from '../../scopes/settings.js';
import type { LeaseBackend, LeaseSelector } from '../../scopes/types.js';
import { parseDuration } from '../../util/units.js';
import type { CliContext, Command, CommandResult } from '../context.js';

const USAGE = `usage: gitfence lock <subcommand> [options]

Lock scopes: an agent leases path globs (relative to the repository root, read as git reads them
as :(top,glob) pathspecs) before editing; overlapping exclusive leases of other agents are refused.

  gitfence lock acquire <glob>… [--ttl 30m] [--reason TEXT] [--shared] [--wait DURATION]
                                [--agent NAME] [--json]
  gitfence lock renew   [--id ID --token N] [--ttl DURATION] [--agent NAME] [--json]
  gitfence lock release [--id ID --token N] [--all] [--agent NAME] [--json]
  gitfence lock list    [--all] [--json]

The agent is --agent or LLM_AGENT_NAME. The TTL defaults to the policy's scopes.defaultTtl and is
capped at scopes.maxTtl; times come from the store's clock. Each grant gets a fencing token that
only grows. renew/release name one lease by --id and --token, or else the agent's own leases
(release needs --all when the agent holds more than one). list --all adds the history.

Exit codes: 0 done, 42 a conflicting lease is held (the message names holder, pattern, an example
path both match and the expiry), 2 usage error, 1 internal error.`;

const OPTIONS = {
  ttl: { type: 'string' },
  reason: { type: 'string' },
  shared: { type: 'boolean', default: false },
  wait: { type: 'string' },
  agent: { type: 'string' },
  json: { type: 'boolean', default: false },
  id: { type: 'string' },
  token: { type: 'string' },
  all: { type: 'boolean', default: false },
} as const;

type Flag = keyof typeof OPTIONS;
const ALLOWED: Record<string, Flag[]> = {
  acquire: ['ttl', 'reason', 'shared', 'wait', 'agent', 'json'],
  renew: ['id', 'token', 'ttl', 'agent', 'json'],
  release: ['id', 'token', 'all', 'agent', 'json'],
  list: ['all', 'json'],
};

function usageError(message: string, got: string, hint?: string): GitfenceError {
  return new GitfenceError('USAGE', message, {
    where: 'gitfence lock',
    expected: 'see `gitfence lock --help`',
    got,
    ...(hint ? { hint } : {}),
  });
}

function parse(context: CliContext) {
  const [sub, ...rest] = context.args;
  if (!sub || !ALLOWED[sub]) {
    throw usageError(
      `unknown lock subcommand "${sub ?? ''}"`,
      sub ?? '(nothing)',
      'use acquire, renew, release or list',
    );
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageError((error as Error).message, rest.join(' '));
  }
  for (const flag of Object.keys(parsed.values) as Flag[]) {
    const value = parsed.values[flag];
    if (value !== undefined && value !== false && !ALLOWED[sub]!.includes(flag)) {
      throw usageError(`--${flag} does not apply to \`lock ${sub}\``, rest.join(' '));
    }
  }
  if (sub !== 'acquire' && parsed.positionals.length > 0) {
    throw usageError(`\`lock ${sub}\` takes no globs`, parsed.positionals.join(' '));
  }
  return { sub, values: parsed.values, globs: parsed.positionals };
}

function requireAgent(flag: string | undefined, context: CliContext, action: string): string {
  const agent = agentFrom(flag, context.env);
  if (!agent) {
    throw new GitfenceError('USAGE', `no agent name: cannot ${action}`, {
      where: 'gitfence lock',
      expected: 'LLM_AGENT_NAME set to this agent’s name, or --agent NAME',
      got: 'neither',
      hint: 'set LLM_AGENT_NAME (for example `export LLM_AGENT_NAME=agent-a`) and run it again',
    });
  }
  return agent;
}

function selectorFrom(values: { id?: string; token?: string }, owner: () => string): LeaseSelector {
  if (values.id === undefined && values.token === undefined) return { owner: owner() };
  if (values.id === undefined || values.token === undefined || !/^\d+$/.test(values.token)) {
    throw usageError(
      '--id and --token go together (the token is a number)',
      `--id ${values.id ?? '?'} --token ${values.token ?? '?'}`,
      'copy both from `gitfence lock list`',
    );
  }
  return { id: values.id, token: Number(values.token) };
}

async function openStore(
  context: CliContext,
): Promise<{ store: LeaseBackend; settings: ScopeSettings }> {
  const home = context.env.HOME || homedir();
  const repo = await discoverRepo(
    context.cwd,
    createRealGitRunner(context.env, home, 'repository-at-cwd'),
  );
  if (!repo) {
    throw new GitfenceError('NOT_A_REPOSITORY', 'not inside a git repository', {
      where: context.cwd,
      hint: 'run gitfence lock inside the repository the agents share',
    });
  }
  const store = createFileLeaseStore({ dir: statePaths(repo.stateDir).leases });
  return { store, settings: await loadScopeSettings(repo, context.env, home) };
}

/** The policy's scope settings; the schema defaults only when the built-in default file is absent. */
async function loadScopeSettings(
  repo: RepoInfo,
  env: Record<string, string | undefined>,
  home: string,
): Promise<ScopeSettings> {
  try {
    return (await loadPolicyFor(repo, env, home)).policy.settings.scopes;
  } catch (error) {
    // An unbuilt default policy equals the schema defaults; every other policy problem is reported.
    if (isGitfenceError(error) && error.details.where?.endsWith('default-policy.json')) {
      return DEFAULT_SCOPE_SETTINGS;
    }
    throw error;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const writeJson = (context: CliContext, value: unknown) =>
  context.stdout.write(`${JSON.stringify(value, null, 2)}\n`);

async function acquire(
  context: CliContext,
  values: ReturnType<typeof parse>['values'],
  globs: string[],
): Promise<CommandResult> {
  const owner = requireAgent(values.agent, context, 'take a lease');
  if (globs.length === 0) {
    throw usageError(
      'no glob to lease',
      '(nothing)',
      "name one, e.g. gitfence lock acquire 'src/api/**'",
    );
  }
  const patterns = globs.map(validateLeasePattern);
  const waitMs = values.wait === undefined ? 0 : parseDuration(values.wait, '--wait');
  const { store, settings } = await openStore(context);
  const ttl = resolveTtl(settings, values.ttl);
  if (ttl.capped) {
    context.stderr.write(
      `gitfence: --ttl ${values.ttl} is over the policy maximum; capped at ${renderDuration(ttl.maxMs)} (scopes.maxTtl)\n`,
    );
  }
  const deadline = context.now() + waitMs;
  for (let pause = 100; ; pause = Math.min(pause * 2, 2000)) {
    const result = await store.acquire({
      owner,
      patterns,
      exclusive: !values.shared,
      reason: values.reason ?? '',
      ttlMs: ttl.ttlMs,
    });
    const now = context.now();
    if (result.granted) {
      if (values.json) writeJson(context, { granted: true, lease: result.lease });
      else context.stdout.write(`${renderGranted(result.lease, now)}\n`);
      return 'ok';
    }
    if (now + pause <= deadline) {
      await sleep(pause * (0.5 + Math.random() / 2));
      continue;
    }
    if (values.json) {
      writeJson(context, {
        granted: false,
        conflicts: result.conflicts.map((c) => ({
          requested: c.requested,
          holder: c.lease.owner,
          leaseId: c.lease.id,
          held: c.held,
          exclusive: c.lease.exclusive,
          example: c.overlap.example ?? null,
          exact: c.overlap.exact,
          reason: c.lease.reason,
          expiresAt: new Date(c.lease.expiresAt).toISOString(),
        })),
      });
    }
    context.stderr.write(`${renderConflicts(result.conflicts, now)}\n`);
    return 'denied';
  }
}

async function run(context: CliContext): Promise<CommandResult> {
  const { sub, values, globs } = parse(context);
  if (sub === 'acquire') return acquire(context, values, globs);

  if (sub === 'list') {
    const { store } = await openStore(context);
    const listing = await store.list({ history: values.all });
    const now = context.now();
    if (values.json) writeJson(context, values.all ? listing : { active: listing.active });
    else
      context.stdout.write(
        `${renderList(listing.active, values.all ? listing.history : null, now)}\n`,
      );
    return 'ok';
  }

  const byName = agentFrom(values.agent, context.env);
  const selector = selectorFrom(values, () =>
    requireAgent(values.agent, context, `${sub} your leases`),
  );
  const { store, settings } = await openStore(context);
  const by = byName ?? 'orchestrator';

  if (sub === 'renew') {
    const ttl = resolveTtl(settings, values.ttl);
    const renewed = await store.renew({ selector, ttlMs: ttl.ttlMs, by });
    const now = context.now();
    if (values.json) writeJson(context, { renewed });
    else
      context.stdout.write(
        renewed.map((l) => `renewed ${renderLeaseLine(l, now)}`).join('\n') + '\n',
      );
    return 'ok';
  }

  // release
  if ('owner' in selector && !values.all) {
    const { active } = await store.list();
    const own = active.filter((l) => l.owner === selector.owner);
    if (own.length > 1) {
      throw usageError(
        `agent ${selector.owner} holds ${own.length} leases: say which`,
        own.map((l) => l.id).join(', '),
        'use --all, or --id ID --token N from `gitfence lock list`',
      );
    }
  }
  const released = await store.release({ selector, by });
  if (values.json) writeJson(context, { released });
  else
    context.stdout.write(
      released.map((l) => `released ${l.id} (${l.patterns.join(' ')})`).join('\n') + '\n',
    );
  return 'ok';
}

export const command: Command = {
  name: 'lock',
  summary: 'lock scopes: leases on path globs for an agent',
  usage: USAGE,
  run,
};

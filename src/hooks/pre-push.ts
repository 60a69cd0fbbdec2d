/**
 * `gitfence hook pre-push <remote> <url> [--summary-file PATH] [--real-git GIT]`: the final check
 * before anything leaves the machine. Gathers at the edge, decides with the pure `evaluatePush`.
 */
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { parseFlags } from '../cli/args.js';
import type { CliContext, CommandResult } from '../cli/context.js';
import { GitfenceError } from '../errors.js';
import { evaluatePush } from '../evaluate/push.js';
import { readRepoAndAliases } from '../facts/fast-repo.js';
import { bakedRealGit, createRealGitRunner, realGit } from '../facts/real-git.js';
import { loadPolicyFor } from '../facts/policy.js';
import { colorEnabled, colors } from '../render/color.js';
import { discoverRepo } from '../repo/discover.js';
import { statePaths } from '../repo/state-paths.js';
import { readActiveLeases } from '../scopes/facts.js';
import { agentFrom } from '../scopes/settings.js';
import { readAll } from '../util/read-all.js';
import { recordHookDecision } from './audit.js';
import { loadCheckModule, runCustomChecks } from './custom-checks.js';
import {
  filesWithSizes,
  gatherFastForward,
  gatherPushedChange,
  parsePrePushInput,
} from './push-gather.js';
import { writeHookSummary } from './summary-file.js';
import { renderHookSummary, type HookSummaryInput } from './summary.js';

/** The ref list git pipes in; a terminal on stdin means a human ran this by hand: nothing to read. */
function readRefList(stream: NodeJS.ReadableStream & { isTTY?: boolean }): Promise<string> {
  return stream.isTTY ? Promise.resolve('') : readAll(stream);
}

function readFlags(args: string[]) {
  return parseFlags(
    {
      args,
      options: { 'summary-file': { type: 'string' }, 'real-git': { type: 'string' } },
      allowPositionals: true,
      strict: true,
    },
    {
      where: 'gitfence hook pre-push',
      expected: 'gitfence hook pre-push <remote> <url> [--summary-file PATH] [--real-git GIT]',
      got: args.join(' ') || '(no arguments)',
    },
  );
}

export async function run(context: CliContext): Promise<CommandResult> {
  const { values, positionals } = readFlags(context.args);
  const [name = '', url = name] = positionals;
  const remote = { name, url };
  const home = context.env.HOME || homedir();
  // the hook inherits the pusher's environment: only the git `gitfence init` baked in is trusted
  const source =
    values['real-git'] === undefined ? {} : { gitPath: bakedRealGit(values['real-git']) };
  const git = createRealGitRunner(context.env, home, 'as-called', source);
  // git log is the long pole: it starts first and runs while everything else is gathered.
  const input = await readRefList(context.stdin);
  const parsedUpdates = parsePrePushInput(input);
  // The diff text is held only for custom checks; the policy says whether there are any before
  // the log's output arrives.
  let keepDiff = true;
  const changeReady = gatherPushedChange(parsedUpdates, remote, {
    real: realGit(context.env, home, source),
    cwd: context.cwd,
    keepDiff: () => keepDiff,
  });
  // Settled early so a refusal below never leaves it unhandled.
  changeReady.catch(() => {});
  // read from disk when that is exactly what git would find (no git process); else git says
  const repo =
    readRepoAndAliases(context.cwd, context.env, home)?.repo ??
    (await discoverRepo(context.cwd, git));
  if (!repo) {
    throw new GitfenceError('NOT_A_REPOSITORY', 'the pre-push hook ran outside a repository', {
      where: context.cwd,
      hint: 'git runs this hook itself; run `git push` inside the repository',
    });
  }
  const cwd = repo.topLevel ?? context.cwd;
  const policyReady = loadPolicyFor(repo, context.env, home);
  policyReady.then(
    ({ policy }) => {
      keepDiff = (policy.checks ?? []).some((check) => check.stage === 'push');
    },
    () => {},
  );
  const [{ policy }, updates, change] = await Promise.all([
    policyReady,
    gatherFastForward(parsedUpdates, git, cwd),
    changeReady,
  ]);
  const agent = agentFrom(undefined, context.env);
  const scoped = agent !== null && policy.settings.push.outOfScope !== 'off';
  const leases = scoped ? await readActiveLeases(repo.stateDir, context.now()) : undefined;
  const files = filesWithSizes(change);
  const checks = await runCustomChecks(
    policy,
    'push',
    {
      stage: 'push',
      agent,
      commits: change.commits,
      files,
      get diff() {
        return change.diff;
      },
      addedLines: change.addedLines,
      remote,
      refs: updates,
    },
    () => loadCheckModule(statePaths(repo.stateDir).compiledModule),
  );
  const decision = evaluatePush(policy, {
    kind: 'push',
    agent,
    remote,
    updates,
    files,
    addedLines: change.addedLines,
    facts: leases ? { leases, repoRoot: cwd } : { repoRoot: cwd },
    checks,
  });
  const summary: HookSummaryInput = {
    stage: 'push',
    decision,
    agent,
    remote,
    updates,
    counts: {
      commits: change.commits.length,
      files: files.length,
      addedLines: change.addedLines.length,
    },
  };
  recordHookDecision({
    policy,
    repo,
    agent,
    cwd,
    // What was pushed, as a push argv: the remote and each `local:remote` refspec.
    argv: [
      'push',
      name,
      ...updates.map((u) => `${/^0+$/.test(u.localSha) ? '' : u.localRef}:${u.remoteRef}`),
    ],
    decision,
    via: 'pre-push',
    now: context.now(),
    warn: (message) => context.stderr.write(message),
  });
  const c = colors(colorEnabled(context.env, context.stderr.isTTY));
  context.stderr.write(renderHookSummary(summary, c));
  if (values['summary-file'] !== undefined)
    await writeHookSummary(resolve(context.cwd, values['summary-file']), summary);
  return decision.outcome === 'deny' ? 'denied' : 'ok';
}

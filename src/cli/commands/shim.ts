/** `gitfence shim install|uninstall|status`, and the hidden `shim exec` the shim delegates to. */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { GitfenceError } from '../../errors.js';
import { discoverRepo } from '../../repo/discover.js';
import { DEFAULT_AGENT_MARKERS } from '../../policy/agent-markers.js';
import { gitfenceHomeFrom, homePaths } from '../../repo/state-paths.js';
import { loadPolicyOrDecision } from '../../shim/engine.js';
import { installShim, uninstallShim } from '../../shim/install.js';
import { cliEntry, findPackageRoot, nodeBinary } from '../../shim/paths.js';
import { fastStartFlagsFor } from '../../util/node-flags.js';
import { resolveRealGit } from '../../shim/resolve-git.js';
import { gatherShimStatus, renderShimStatus } from '../../shim/status.js';
import { ownGitRunner } from '../../util/git-runner.js';
import { parseFlags, type UsageDetails } from '../args.js';
import type { CliContext, Command, CommandResult } from '../context.js';

const USAGE = `usage: gitfence shim install [--dir DIR] [--profile]
       gitfence shim uninstall [--dir DIR]
       gitfence shim status [--dir DIR] [--json]

The shim is a POSIX sh \`git\` that goes first on PATH in agent sessions. Calls the compiled policy
provably does not care about go straight to the real git (no Node starts); everything else is
evaluated, and denied calls exit 42 without running.

  install     write the shim to $GITFENCE_HOME/bin/git (default ~/.gitfence/bin), with the real
              git resolved once and baked in
    --dir DIR     install into DIR instead
    --profile     add a marked snippet to ~/.bashrc, ~/.profile, ~/.zshenv, ~/.zprofile, ~/.zshrc
                  (and ~/.bash_profile when it exists) and fish's conf.d that puts the shim first
                  on PATH only when an agent marker variable is set (settings.shim.agentMarkers)
  uninstall   remove exactly what install added (shim, wrappers, profile snippets)
  status      what is installed and active, and every git binary on PATH

Exit codes: 0 done, 2 usage or configuration error, 1 internal error.`;

/** How a bad flag of `shim <sub>` is reported. */
function shimUsage(expected: string, args: string[]): UsageDetails {
  return {
    where: 'gitfence shim',
    expected,
    got: args.join(' '),
    hint: 'run `gitfence shim --help`',
  };
}

function shimDirFor(context: CliContext, dir: string | undefined): string {
  return dir
    ? resolve(context.cwd, dir)
    : homePaths(gitfenceHomeFrom(context.env, homedir())).shimDir;
}

async function agentMarkers(context: CliContext, gitPath: string): Promise<string[]> {
  const git = ownGitRunner(gitPath, context.env, 'repository-at-cwd');
  const repo = await discoverRepo(context.cwd, git).catch(() => null);
  const loaded = await loadPolicyOrDecision({
    stateDir: repo?.stateDir ?? null,
    env: context.env,
    home: context.env.HOME || homedir(),
  });
  return loaded.policy?.settings.shim.agentMarkers ?? [...DEFAULT_AGENT_MARKERS];
}

async function runInstall(context: CliContext, args: string[]): Promise<CommandResult> {
  const { values } = parseFlags(
    { args, options: { dir: { type: 'string' }, profile: { type: 'boolean' } }, strict: true },
    shimUsage('gitfence shim install [--dir DIR] [--profile]', args),
  );
  const shimDir = shimDirFor(context, values.dir);
  const realGit = resolveRealGit({ env: context.env, shimDir });
  const git = ownGitRunner(realGit, context.env, 'repository-at-cwd');
  const home = context.env.HOME || homedir();
  const node = nodeBinary();
  const manifest = await installShim({
    shimDir,
    realGit,
    node,
    cli: cliEntry(),
    // baked even while absent: the shim uses it once a build has put it there
    entry: join(findPackageRoot(), 'dist', 'shim-exec.cjs'),
    nodeFlags: fastStartFlagsFor(node),
    git,
    now: context.now(),
    profileHome: values.profile ? home : null,
    agentMarkers: await agentMarkers(context, realGit),
  });
  context.stdout.write(
    [
      `installed the gitfence shim: ${manifest.shim}`,
      `  real git: ${manifest.realGit}`,
      `  dashed wrappers: ${manifest.files.length - 2}`,
      ...(values.profile
        ? [`  profile snippet in: ${manifest.profile.map((p) => p.file).join(', ')}`]
        : [
            `  put it first on PATH in agent sessions: export PATH="${shimDir}:$PATH" (or reinstall with --profile)`,
          ]),
      '',
    ].join('\n'),
  );
  return 'ok';
}

async function runUninstall(context: CliContext, args: string[]): Promise<CommandResult> {
  const { values } = parseFlags(
    { args, options: { dir: { type: 'string' } }, strict: true },
    shimUsage('gitfence shim uninstall [--dir DIR]', args),
  );
  const shimDir = shimDirFor(context, values.dir);
  const result = uninstallShim(shimDir, context.env.HOME || homedir());
  if (result.removed.length === 0 && result.profile.length === 0) {
    context.stdout.write(`no gitfence shim installed in ${shimDir}\n`);
  } else {
    context.stdout.write(
      `removed the gitfence shim from ${shimDir} (${result.removed.length} file(s))` +
        (result.profile.length
          ? `\nremoved the profile snippet from: ${result.profile.join(', ')}`
          : '') +
        '\n',
    );
  }
  return 'ok';
}

async function runStatus(context: CliContext, args: string[]): Promise<CommandResult> {
  const { values } = parseFlags(
    { args, options: { dir: { type: 'string' }, json: { type: 'boolean' } }, strict: true },
    shimUsage('gitfence shim status [--dir DIR] [--json]', args),
  );
  const shimDir = shimDirFor(context, values.dir);
  let markers: string[];
  try {
    markers = await agentMarkers(context, resolveRealGit({ env: context.env, shimDir }));
  } catch {
    markers = [...DEFAULT_AGENT_MARKERS];
  }
  const status = gatherShimStatus({
    shimDir,
    env: context.env,
    home: context.env.HOME || homedir(),
    agentMarkers: markers,
  });
  context.stdout.write(
    values.json ? `${JSON.stringify(status, null, 2)}\n` : `${renderShimStatus(status)}\n`,
  );
  return 'ok';
}

/** `shim exec [--real-git=PATH] -- <git argv…>`: everything after `--` is git's, untouched. */
async function runExec(context: CliContext, args: string[]): Promise<CommandResult> {
  const end = args.indexOf('--');
  const own = end === -1 ? [] : args.slice(0, end);
  const argv = end === -1 ? args : args.slice(end + 1);
  let realGit: string | undefined;
  for (const flag of own) {
    if (flag.startsWith('--real-git=')) realGit = flag.slice('--real-git='.length);
    else {
      throw new GitfenceError('USAGE', `unknown option for shim exec: ${flag}`, {
        expected: '--real-git=PATH -- <git args…>',
        got: own.join(' '),
      });
    }
  }
  // Loaded on demand: the delegated path should pay only for its own modules.
  const { runShimExec } = await import('../../shim/exec.js');
  return runShimExec(context, realGit, argv);
}

export const command: Command = {
  name: 'shim',
  summary: 'install, remove or inspect the git wrapper shim',
  usage: USAGE,
  async run(context) {
    const [sub, ...rest] = context.args;
    switch (sub) {
      case 'install':
        return runInstall(context, rest);
      case 'uninstall':
        return runUninstall(context, rest);
      case 'status':
        return runStatus(context, rest);
      case 'exec':
        return runExec(context, rest);
      default:
        throw new GitfenceError('USAGE', `unknown shim subcommand "${sub ?? ''}"`, {
          expected: 'install, uninstall or status',
          got: sub ?? '(nothing)',
          hint: 'run `gitfence shim --help`',
        });
    }
  },
};

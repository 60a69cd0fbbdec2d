/**
 * `gitfence shim exec -- <git argv>`: the shim's slow path. Load the policy (repository → global →
 * default preset; fail closed when it is corrupt), gather facts, evaluate, audit, then either run
 * the real git with inherited stdio or deny loudly (exit 42), with break-glass for a human.
 */
import { spawn } from 'node:child_process';
import { homedir } from 'node:os';
import { appendAuditEntry } from '../audit/append.js';
import { renderAuditEntry, type AuditEntry } from '../audit/entry.js';
import { auditTargetFor } from '../audit/target.js';
import type { CliContext, CommandResult } from '../cli/context.js';
import { renderAlert } from '../render/alert.js';
import { colorEnabled } from '../render/color-enabled.js';
import { renderDenialLine } from '../render/denial.js';
import { gitfenceHomeFrom, homePaths } from '../repo/state-paths.js';
import { ownGitRunner, type GitRunner } from '../util/git-runner.js';
import { parseDuration, parseSize } from '../util/units.js';
import { openTerminal, type Terminal } from './breakglass.js';
import { decide } from './engine.js';
import { isShimFile, resolveRealGit } from './resolve-git.js';

export interface ShimExecDeps {
  openTerminal: () => Terminal | null;
  /** Run the real git with inherited stdio; resolves to its exit code (128+n for a signal). */
  runGit: (
    git: string,
    argv: string[],
    options: { cwd: string; env: Record<string, string | undefined> },
  ) => Promise<number>;
  pid: number;
}

export function spawnInherited(
  gitPath: string,
  argv: string[],
  options: { cwd: string; env: Record<string, string | undefined> },
): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(gitPath, argv, {
      cwd: options.cwd,
      env: options.env as NodeJS.ProcessEnv,
      stdio: 'inherit',
    });
    // Like system(3): the terminal's SIGINT/SIGQUIT reach git directly; we wait for its verdict.
    const ignore = () => {};
    const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
    const onTerm = forward('SIGTERM');
    const onHup = forward('SIGHUP');
    process.on('SIGINT', ignore);
    process.on('SIGQUIT', ignore);
    process.on('SIGTERM', onTerm);
    process.on('SIGHUP', onHup);
    const cleanup = () => {
      process.off('SIGINT', ignore);
      process.off('SIGQUIT', ignore);
      process.off('SIGTERM', onTerm);
      process.off('SIGHUP', onHup);
    };
    child.on('error', (error) => {
      cleanup();
      reject(error);
    });
    child.on('close', (code, signal) => {
      cleanup();
      // node:os only when git died of a signal: its constants are not worth loading otherwise
      if (signal)
        import('node:os').then(
          ({ constants }) => resolve(128 + (constants.signals[signal] ?? 1)),
          reject,
        );
      else resolve(code ?? 1);
    });
  });
}

export const defaultShimExecDeps: ShimExecDeps = {
  openTerminal: () => openTerminal(),
  runGit: spawnInherited,
  pid: process.pid,
};

/** `--real-git=PATH` baked in by the shim; refused when it is a shim, re-resolved when absent. */
function realGitFrom(
  flag: string | undefined,
  env: Record<string, string | undefined>,
  shimDir: string,
): string {
  if (flag && !isShimFile(flag)) return flag;
  return resolveRealGit({ env, shimDir });
}

/** The alert to the terminal when there is one, else stderr. */
function writeAlert(text: string, terminal: Terminal | null, context: CliContext): void {
  (terminal ?? context.stderr).write(text.endsWith('\n') ? text : `${text}\n`);
}

export async function runShimExec(
  context: CliContext,
  realGitFlag: string | undefined,
  argv: string[],
  deps: ShimExecDeps = defaultShimExecDeps,
): Promise<CommandResult> {
  const env = context.env;
  // node:os only when HOME is unset: loading it costs more than the rest of a denial's own work
  const home = env.HOME || homedir();
  const gitfenceHome = gitfenceHomeFrom(env, home);
  const realGit = realGitFrom(realGitFlag, env, homePaths(gitfenceHome).shimDir);
  // the decision's facts are about the call as the agent made it (its GIT_DIR included); discovery
  // alone ignores the redirects (util/git-env)
  const git: GitRunner = ownGitRunner(realGit, env, 'as-called');
  const agent = env.LLM_AGENT_NAME || null;

  const terminal = deps.openTerminal();
  try {
    const { decision, policy, repo } = await decide({
      argv,
      cwd: context.cwd,
      env,
      agent,
      git,
      now: context.now,
      home,
      tty: terminal !== null,
    });
    const target = auditTargetFor(
      policy?.settings.audit,
      repo ? { stateDir: repo.stateDir } : { stateDir: null, gitfenceHome },
    );
    const audit = (breakGlass?: AuditEntry['breakGlass']) => {
      try {
        appendAuditEntry(
          target,
          renderAuditEntry({
            now: context.now(),
            agent,
            cwd: context.cwd,
            argv,
            decision,
            breakGlass,
            pid: deps.pid,
          }),
          context.now(),
        );
      } catch (error) {
        context.stderr.write(`gitfence: warning: ${(error as Error).message} (${target.file})\n`);
      }
    };

    if (decision.outcome === 'allow') {
      audit();
      const runArgv = decision.rewrite?.argv ?? argv;
      for (const warning of decision.warnings)
        context.stderr.write(`gitfence: warning: ${warning}\n`);
      return { passthrough: await deps.runGit(realGit, runArgv, { cwd: context.cwd, env }) };
    }

    const color = colorEnabled(env, terminal !== null);
    writeAlert(renderAlert(decision, { color, argv }), terminal, context);
    context.stderr.write(`${renderDenialLine(decision)}\n`);

    if (env.GITFENCE_BREAKGLASS !== '1') {
      audit();
      return 'denied';
    }
    const settings = policy?.settings.breakGlass;
    if (!policy || !settings?.enabled) {
      context.stderr.write(
        'gitfence: break-glass is not available here: ' +
          (policy
            ? 'the policy disables it (breakGlass.enabled: false)'
            : 'the policy could not be loaded; fix it first') +
          '\n',
      );
      audit({ outcome: 'refused-disabled', attempts: 0 });
      return 'denied';
    }
    if (!terminal) {
      context.stderr.write(
        'gitfence: break-glass refused: break-glass needs a human at a terminal, and this process has no controlling terminal (/dev/tty). Run the command yourself in an interactive shell.\n',
      );
      audit({ outcome: 'refused-no-tty', attempts: 0 });
      return 'denied';
    }
    const subcommand =
      decision.invocation?.subcommand ??
      decision.invocation?.typed ??
      argv.find((a) => !a.startsWith('-')) ??
      'git';
    const { promptBreakGlass } = await import('./breakglass.js');
    const result = await promptBreakGlass({
      terminal,
      subcommand,
      attempts: settings.attempts,
      timeoutMs: parseDuration(settings.timeout),
      now: context.now,
    });
    if (result.outcome !== 'approved') {
      terminal.write(
        `break-glass ${result.outcome === 'timeout' ? 'timed out' : 'refused'}: the command did not run.\n`,
      );
      audit({ outcome: result.outcome, attempts: result.attempts });
      return 'denied';
    }
    if (!repo?.topLevel) {
      terminal.write('break-glass: no working tree to snapshot; the command did not run.\n');
      audit({ outcome: 'aborted', attempts: result.attempts });
      return 'denied';
    }
    let snapshotRef: string;
    try {
      const { createSnapshot } = await import('../snapshot/snapshot.js');
      const snapshot = await createSnapshot({
        git,
        repo: { topLevel: repo.topLevel, gitDir: repo.gitDir },
        now: context.now(),
        ignoredMaxBytes: parseSize(settings.snapshotIgnoredMaxBytes),
        message: `gitfence snapshot before break-glass: git ${argv.join(' ')}`,
      });
      snapshotRef = snapshot.ref;
      const name = snapshot.ref.slice('refs/gitfence/snapshots/'.length);
      terminal.write(
        [
          `snapshot taken: ${snapshot.ref}`,
          `  to restore it: gitfence checkpoint restore ${name}`,
          `  to look at it: gitfence checkpoint show ${name}`,
          ...(snapshot.skipped.length
            ? [`  (${snapshot.skipped.length} ignored file(s) over the size cap were left out)`]
            : []),
          '',
        ].join('\n'),
      );
    } catch (error) {
      terminal.write(
        `break-glass: the snapshot failed, so the command did not run: ${(error as Error).message}\n`,
      );
      audit({ outcome: 'aborted', attempts: result.attempts });
      return 'denied';
    }
    audit({ outcome: 'approved', attempts: result.attempts, snapshot: snapshotRef });
    return { passthrough: await deps.runGit(realGit, argv, { cwd: context.cwd, env }) };
  } finally {
    terminal?.close();
  }
}

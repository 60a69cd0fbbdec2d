/** The write-lock's doctor check, and `gitfence doctor --explain-error` for git's lock/permission errors. */
import type { WriteLockFact } from '../evaluate/types.js';
import type { RepoInfo } from '../repo/discover.js';
import { statePaths } from '../repo/state-paths.js';
import { immutableFlagFor, immutableUnavailableReason } from '../writelock/apply.js';
import { compileWriteLockFact, readWriteLockFact, renderStatusLine } from '../writelock/facts.js';
import { explainGitError, renderExplanation } from '../writelock/explain.js';
import { createPlatform, type Platform } from '../writelock/platform.js';
import { probeWritable, type ProbeResult } from '../writelock/probe.js';
import { loadWriteLockSettings, type WriteLockSettings } from '../writelock/settings.js';
import { loadState, type WriteLockState } from '../writelock/state.js';
import type { DoctorCheck, DoctorContext, DoctorLine } from './types.js';

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Pure: the doctor lines from what was gathered. */
export function compileWriteLockLines(input: {
  state: WriteLockState | null;
  stateError: string | null;
  probe: ProbeResult;
  platform: Platform;
  settings: WriteLockSettings;
  now: number;
  watchdogAlive: boolean | null;
}): DoctorLine[] {
  const { state, stateError, probe, platform, settings, now } = input;
  const lines: DoctorLine[] = [];
  if (stateError) {
    lines.push({
      status: 'fail',
      message: `the write-lock record is unreadable (${stateError}); enforcement treats .git as locked`,
      hint: 'run `git-write-lock unlock` as the human, then `git-write-lock lock` if you want it locked',
    });
  }
  const fact = compileWriteLockFact(state, probe, now);
  const line = renderStatusLine(fact);
  if (fact.mode === 'external') {
    lines.push({
      status: 'warn',
      message: `${line}: .git is read-only by something other than gitfence (${probe.writable ? '?' : probe.errno})`,
      hint: 'gitfence never changes it; `gitfence mount-root --path .git` shows the mount',
    });
  } else if (fact.mode === 'chmod' && platform.facts.isRoot) {
    lines.push({
      status: 'warn',
      message: `${line}: permission bits do not stop root, so a git running as root can still write .git`,
      hint: 'use immutable mode (`writeLock: { mode: "immutable" }`) where chattr/chflags is available',
    });
  } else {
    lines.push({
      status: 'ok',
      message: fact.state === 'unlocked' ? `${line} (the default)` : line,
    });
  }
  if (
    state?.state === 'locked' &&
    probe.writable &&
    (state.mode === 'immutable' || !platform.facts.isRoot)
  ) {
    lines.push({
      status: 'fail',
      message:
        'recorded as locked, but .git is writable: the flags or bits were removed behind gitfence',
      hint: 'run `git-write-lock unlock` then `git-write-lock lock`',
    });
  }
  const lease = state?.lease;
  if (lease && lease.expiresAt > now) {
    lines.push({
      status: 'ok',
      message: `push window open: holder ${lease.holder}, token ${lease.token}, until ${new Date(lease.expiresAt).toISOString()}`,
    });
    if (input.watchdogAlive === false) {
      lines.push({
        status: 'warn',
        message:
          'the push window has no live watchdog; it re-arms lazily on the next gitfence call after expiry',
      });
    }
  } else if (lease) {
    lines.push({
      status: 'warn',
      message: `the push window of ${lease.holder} expired at ${new Date(lease.expiresAt).toISOString()} but is not re-armed yet`,
      hint: 'run `git-write-lock status` (any gitfence command re-arms it)',
    });
  }
  const reason = immutableUnavailableReason(platform);
  if (reason) {
    lines.push({
      status: settings.mode === 'immutable' ? 'fail' : 'warn',
      message: `immutable flags unavailable: ${reason}; ${settings.mode === 'immutable' ? 'the policy requires them' : 'lock uses chmod mode'}`,
    });
  } else if (platform.facts.os === 'darwin' && immutableFlagFor(platform) === 'uchg') {
    lines.push({
      status: 'warn',
      message:
        'macOS uchg flags can be cleared by their owner (`chflags nouchg`); run `lock` as root for schg',
    });
  } else {
    lines.push({ status: 'ok', message: `immutable flags available (mode ${settings.mode})` });
  }
  return lines;
}

export async function gatherWriteLockLines(
  repo: RepoInfo,
  now: number,
  platform: Platform = createPlatform(),
): Promise<DoctorLine[]> {
  let state: WriteLockState | null = null;
  let stateError: string | null = null;
  try {
    state = await loadState(statePaths(repo.stateDir).writeLock);
  } catch (error) {
    stateError = (error as Error).message;
  }
  const pid = state?.lease?.watchdogPid;
  return compileWriteLockLines({
    state,
    stateError,
    probe: await probeWritable(repo.commonDir),
    platform,
    settings: await loadWriteLockSettings(repo.stateDir),
    now,
    watchdogAlive: pid === undefined ? null : pidAlive(pid),
  });
}

export const WRITE_LOCK_CHECK: DoctorCheck = {
  name: 'write-lock',
  async run(context: DoctorContext) {
    if (!context.repo)
      return [{ status: 'ok', message: 'not inside a repository: nothing to lock' }];
    return gatherWriteLockLines(context.repo, context.now(), createPlatform(context.env));
  },
};

/** `gitfence doctor --explain-error "<text>"`: the explanation, or a plain "not recognised". */
export async function renderExplainError(text: string, repo: RepoInfo | null): Promise<string> {
  let fact: WriteLockFact | null = null;
  if (repo) fact = await readWriteLockFact(repo).catch(() => null);
  const explanation = explainGitError(text, fact);
  return explanation
    ? renderExplanation(explanation)
    : 'not a lock or permission error gitfence knows; `gitfence doctor` reports the write-lock state';
}

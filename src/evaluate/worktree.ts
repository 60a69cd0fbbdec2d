/**
 * The worktree decision (`gitfence worktree add | release`): who may hand out or take back an agent's
 * worktree, whether `.git` can be written now, and whether a release would lose work. Pure: what the
 * worktree holds comes in `request.work`, gathered at the edge.
 */
import { aggregate, BUILTIN_IDS, builtinMatch } from './decision.js';
import type {
  CompiledPolicy,
  Decision,
  RuleMatch,
  WorktreeRequest,
  WorktreeWork,
} from './types.js';

export const WORKTREE_IDS = {
  otherAgent: 'gitfence/worktree-other-agent',
  locked: 'gitfence/worktree-locked',
  unsavedWork: 'gitfence/worktree-unsaved-work',
} as const;

const SHOWN_PATHS = 5;
const DETAIL_PATHS = 20;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function listed(paths: string[], max: number): string {
  const head = paths.slice(0, max).join(', ');
  return paths.length > max ? `${head}, … (${paths.length - max} more)` : head;
}

/** What a release would lose, in one sentence; null when nothing. */
export function describeUnsavedWork(work: WorktreeWork): string | null {
  const parts: string[] = [];
  if (work.undelivered.length > 0) {
    const kind = !work.dirty
      ? 'committed'
      : work.unmergedCommits === 0
        ? 'uncommitted'
        : 'committed or uncommitted';
    parts.push(
      `${plural(work.undelivered.length, 'path')} with ${kind} changes that are not in ${work.into}: ${listed(work.undelivered, SHOWN_PATHS)}`,
    );
  }
  if (work.strandedCommits > 0) {
    parts.push(`${plural(work.strandedCommits, 'commit')} on a HEAD that no branch holds`);
  }
  return parts.length > 0 ? parts.join('; ') : null;
}

function unsavedWorkMatch(request: WorktreeRequest, work: WorktreeWork): RuleMatch | null {
  const lost = describeUnsavedWork(work);
  if (lost === null) return null;
  const detail = [
    work.undelivered.length > 0 ? `paths: ${listed(work.undelivered, DETAIL_PATHS)}` : '',
    work.dirty ? 'the worktree has uncommitted changes' : '',
    work.unmergedCommits > 0
      ? `${plural(work.unmergedCommits, 'commit')} not merged into ${work.into}`
      : '',
  ]
    .filter(Boolean)
    .join('; ');
  const branch = work.branch ? ` or merge ${work.branch}` : '';
  if (request.force) {
    return builtinMatch(
      WORKTREE_IDS.unsavedWork,
      'warn',
      `${request.owner}'s worktree holds ${lost}; --force snapshots it under refs/gitfence/snapshots/ before removing the worktree`,
      undefined,
      detail,
    );
  }
  return builtinMatch(
    WORKTREE_IDS.unsavedWork,
    'deny',
    `removing ${request.owner}'s worktree would lose ${lost}`,
    `hand it over first: \`save-patch\` in the worktree, then \`gitfence apply-patch <file> --commit\`${branch}; or \`gitfence worktree release ${request.owner} --force\` to snapshot the work and remove the worktree`,
    detail,
  );
}

function writeLockMatch(request: WorktreeRequest): RuleMatch | null {
  const lock = request.facts.writeLock;
  if (lock?.state !== 'locked') return null;
  const mode = lock.mode ?? 'immutable';
  const holder = lock.holder ? `push window holder: ${lock.holder}` : undefined;
  return builtinMatch(
    BUILTIN_IDS.writeLock,
    'deny',
    `\`gitfence worktree ${request.action}\` writes .git (a branch and the worktree's admin dir), which is locked (${mode})`,
    mode === 'external'
      ? 'run it where .git is writable; `gitfence mount-root` shows the read-only mount. gitfence will not change it'
      : 'open a window with `git-write-lock unlock-for-push --holder NAME`, run it again, then close it with `git-write-lock relock --holder NAME`',
    holder,
  );
}

export function evaluateWorktree(_policy: CompiledPolicy, request: WorktreeRequest): Decision {
  const matches: RuleMatch[] = [];
  const { agent, owner, action } = request;

  if (agent !== null && agent !== owner) {
    matches.push(
      builtinMatch(
        WORKTREE_IDS.otherAgent,
        'deny',
        `agent ${agent} cannot ${action} agent ${owner}'s worktree: the orchestrator hands worktrees out and takes them back`,
        action === 'add'
          ? `ask the orchestrator to run \`gitfence worktree add ${owner}\``
          : `hand your own work over with \`save-patch\`; the orchestrator runs \`gitfence worktree release ${owner}\``,
        `LLM_AGENT_NAME=${agent}`,
      ),
    );
  }

  const lock = writeLockMatch(request);
  if (lock) matches.push(lock);

  const work = request.work;
  if (action === 'release' && work) {
    if (work.lockedReason !== null) {
      matches.push(
        builtinMatch(
          WORKTREE_IDS.locked,
          'deny',
          `the worktree ${work.path} is locked against removal${work.lockedReason ? `: ${work.lockedReason}` : ''}`,
          `if it may go, unlock it with \`git worktree unlock ${work.path}\` and release again`,
          undefined,
        ),
      );
    }
    const unsaved = unsavedWorkMatch(request, work);
    if (unsaved) matches.push(unsaved);
  }

  return { ...aggregate(matches), matches };
}

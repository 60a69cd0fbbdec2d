/** `gitfence doctor --explain-error`: turn git's cryptic lock/permission errors into what happened and what to do. */
import type { WriteLockFact } from '../evaluate/types.js';

export type GitErrorCause =
  | 'immutable' // EPERM: an immutable flag (chattr +i / chflags)
  | 'permissions' // EACCES: permission bits or ownership
  | 'read-only-fs' // EROFS: a read-only mount
  | 'lock-exists'; // EEXIST: another git is running, or one crashed

export interface GitErrorExplanation {
  cause: GitErrorCause;
  /** The file git could not create or write, when the message names one. */
  path?: string;
  summary: string;
  details: string[];
  fix: string[];
}

const PATH_PATTERNS = [
  /Unable to create '([^']+)'/,
  /could not (?:write|lock) config file ([^:]+):/,
  /unable to (?:create|write|open) (?:temporary file|file)?\s*'?([^':]+)'?:/,
  /cannot lock ref '([^']+)'/,
  /insufficient permission for adding an object to repository database (\S+)/,
  /could not create (?:leading directories|directory|work tree dir) (?:of )?'([^']+)'/,
];

function findPath(text: string): string | undefined {
  for (const pattern of PATH_PATTERNS) {
    const match = pattern.exec(text);
    if (match?.[1]) return match[1].trim();
  }
  return undefined;
}

function describeFact(fact: WriteLockFact | null): string {
  if (!fact) return 'gitfence write-lock state unknown (not inside a repository?)';
  if (fact.state === 'unlocked') {
    return fact.holder
      ? `gitfence write-lock: unlocked (push window held by ${fact.holder})`
      : 'gitfence write-lock: unlocked';
  }
  return `gitfence write-lock: locked (${fact.mode ?? 'immutable'})`;
}

const OPEN_WINDOW =
  'open a push window: `git-write-lock unlock-for-push --holder NAME --ttl 120`, commit/push, then `git-write-lock relock --holder NAME --token N`';

/** null when the text is not one of the errors this explains. */
export function explainGitError(
  text: string,
  fact: WriteLockFact | null,
): GitErrorExplanation | null {
  const path = findPath(text);
  const state = describeFact(fact);
  const withPath = path ? { path } : {};
  if (/Operation not permitted/i.test(text)) {
    const ours = fact?.state === 'locked' && fact.mode === 'immutable';
    return {
      cause: 'immutable',
      ...withPath,
      summary: `git could not write ${path ?? 'inside .git'}: the file or its directory carries an immutable flag (EPERM)`,
      details: [
        state,
        ours
          ? 'gitfence locked .git with immutable flags (chattr +i / chflags), so nothing, not even root, can write it until it is unlocked'
          : 'gitfence did not record a lock: the flag was set by something else (check with `lsattr -d <dir>` on Linux, `ls -lO` on macOS)',
      ],
      fix: ours
        ? [
            OPEN_WINDOW,
            'or, as the human owner: `git-write-lock unlock`',
            'do not delete index.lock by hand: it cannot be deleted and is not the problem',
          ]
        : [
            'clear the flag where it came from (`chattr -i` / `chflags nouchg`), or run `git-write-lock status`',
          ],
    };
  }
  if (/Permission denied/i.test(text) || /insufficient permission/i.test(text)) {
    const ours = fact?.state === 'locked' && fact.mode === 'chmod';
    return {
      cause: 'permissions',
      ...withPath,
      summary: `git could not write ${path ?? 'inside .git'}: permission denied (EACCES)`,
      details: [
        state,
        ours
          ? 'gitfence locked .git in chmod mode: its directories and key files have no write bits'
          : 'the directory is not writable by this user: wrong owner (a git run as root earlier?) or mode bits',
      ],
      fix: ours
        ? [OPEN_WINDOW, 'or, as the human owner: `git-write-lock unlock`']
        : [
            'check `ls -ld` on the path and its parent; fix ownership with `chown -R` as the owner, or run `git-write-lock status`',
          ],
    };
  }
  if (/Read-only file system/i.test(text)) {
    return {
      cause: 'read-only-fs',
      ...withPath,
      summary: `git could not write ${path ?? 'inside .git'}: the file system is mounted read-only (EROFS)`,
      details: [
        state,
        'this is an external lock (a read-only mount or an agent sandbox), not gitfence; gitfence never changes it',
      ],
      fix: [
        `find the mount with \`gitfence mount-root --path ${path ?? '.git'}\``,
        'run the command outside the sandbox, or hand the change over with `save-patch`',
      ],
    };
  }
  if (/File exists/i.test(text) && /\.lock/.test(text)) {
    return {
      cause: 'lock-exists',
      ...withPath,
      summary: `another git process holds ${path ?? 'a lock file'} (or one crashed and left it)`,
      details: [state, 'this is git’s own lock, not the gitfence write-lock'],
      fix: [
        'wait for the other git command to finish',
        `if no git process is running, remove the stale file: rm ${path ?? '.git/index.lock'}`,
      ],
    };
  }
  return null;
}

export function renderExplanation(explanation: GitErrorExplanation): string {
  return [
    explanation.summary,
    ...explanation.details.map((line) => `  ${line}`),
    'what to do:',
    ...explanation.fix.map((line) => `  → ${line}`),
  ].join('\n');
}

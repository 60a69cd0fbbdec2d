/** What a commit is about to record: the staged changes, renames and copies with both sides. */
import { GitfenceError } from '../errors.js';
import type { PathChange } from '../evaluate/types.js';
import type { GitRunner } from '../util/git-runner.js';

/** Parse `git diff --name-status -z` output: `M\0path\0`, `R100\0old\0new\0`, `C75\0old\0new\0`. */
export function parseNameStatusZ(output: string): PathChange[] {
  const fields = output.split('\0');
  const changes: PathChange[] = [];
  for (let i = 0; i < fields.length;) {
    const status = fields[i++];
    if (!status) continue;
    const letter = status[0]!;
    if (letter === 'R' || letter === 'C') {
      const oldPath = fields[i++];
      const path = fields[i++];
      if (oldPath === undefined || path === undefined) break;
      changes.push({ status: letter, oldPath, path });
    } else {
      const path = fields[i++];
      if (path === undefined) break;
      changes.push({ status: letter, path });
    }
  }
  return changes;
}

/** The staged changes in `cwd`'s worktree (honouring GIT_INDEX_FILE, which git sets for hooks). */
export async function gatherStagedChanges(git: GitRunner, cwd: string): Promise<PathChange[]> {
  const result = await git.run(
    [
      '-c',
      'core.quotePath=false',
      'diff',
      '--cached',
      '--name-status',
      '-M',
      '-z',
      '--no-ext-diff',
      // diff.ignoreSubmodules or a .gitmodules `ignore` would hide a gitlink the commit records
      '--ignore-submodules=none',
    ],
    { cwd },
  );
  if (result.code !== 0) {
    throw new GitfenceError('GIT_FAILED', 'could not list the staged changes', {
      where: cwd,
      expected: 'git diff --cached --name-status to succeed',
      got: result.stderr.trim() || `exit ${result.code}`,
      hint: 'run the commit again; if it persists, check `git status`',
    });
  }
  return parseNameStatusZ(result.stdout);
}

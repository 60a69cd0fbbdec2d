/** Agent names, default branches and default paths for agents' worktrees. Pure. */
import { basename, dirname, join } from 'node:path';

const AGENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const MAX_AGENT_NAME = 64;

/** What an agent name must look like; it becomes a directory name and part of a branch name. */
export const AGENT_NAME_EXPECTED =
  'letters, digits, ".", "_" or "-" (up to 64), starting with a letter or digit, without ".." and not ending in "." or ".lock"';

/** Why `name` cannot name an agent, or null when it can. */
export function agentNameProblem(name: string): string | null {
  if (name === '') return 'the agent name is empty';
  if (name.length > MAX_AGENT_NAME) return 'the agent name is too long';
  if (!AGENT_NAME.test(name)) return 'the agent name has characters a path or branch cannot hold';
  if (name.includes('..') || name.endsWith('.') || name.endsWith('.lock')) {
    return 'the agent name is not a valid branch name component';
  }
  return null;
}

export function defaultBranchFor(agent: string): string {
  return `gitfence/${agent}`;
}

/** `<parent of the main worktree>/<its name>.worktrees/<agent>`: beside the repository, never inside it. */
export function defaultWorktreePath(mainPath: string, agent: string): string {
  const name = basename(mainPath).replace(/\.git$/, '') || 'repo';
  return join(dirname(mainPath), `${name}.worktrees`, agent);
}

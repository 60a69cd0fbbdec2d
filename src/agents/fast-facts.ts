/**
 * Fact sources for the agent hooks that spare git processes where the answer is certain without
 * one (a hook decision must cost little more than starting node). Anything unusual falls back to
 * the real sources, which ask git.
 */
import { discoverRepoOnDisk } from '../facts/fast-repo.js';
import type { FactSources } from '../facts/gather.js';
import type { RepoInfo } from '../repo/discover.js';
import { isGitBuiltin, typedSubcommand } from './shell/git-names.js';

/**
 * The repository around `cwd` from the file system alone: a `.git` directory, or a `.git` file
 * (`gitdir: …`, linked worktrees) with its `commondir`. undefined when git should be asked.
 */
export function discoverRepoFromFs(
  cwd: string,
  env: Record<string, string | undefined>,
): RepoInfo | undefined {
  return discoverRepoOnDisk(cwd, env) ?? undefined;
}

/**
 * Sources for one git argv: fs discovery, and no alias lookup when the command is a git builtin
 * (git ignores aliases that hide its own commands). `extraAliases` (defined by the same shell
 * string) are always applied.
 */
export function fastSources(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  real: Pick<FactSources, 'discoverRepo' | 'gatherAliases'>,
  extraAliases?: Record<string, string>,
): Partial<FactSources> {
  const typed = typedSubcommand(argv);
  const builtin = typed !== null && (isGitBuiltin(typed) || /^git-/.test(typed));
  return {
    discoverRepo: async (cwd, git) => discoverRepoFromFs(cwd, env) ?? real.discoverRepo(cwd, git),
    gatherAliases: async (options) => {
      const found = builtin && !extraAliases ? {} : await real.gatherAliases(options);
      return { ...found, ...extraAliases };
    },
  };
}

/**
 * Fact sources for the agent hooks that spare git processes where the answer is certain without
 * one (a hook decision must cost little more than starting node). Anything unusual falls back to
 * the real sources, which ask git.
 */
import { lstatSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { FactSources } from '../facts/gather.js';
import type { RepoInfo } from '../repo/discover.js';
import { stateDirFor } from '../repo/discover.js';
import { isGitBuiltin } from './shell/git-names.js';

/** Variables that change how git finds the repository: with any of them set, ask git. */
const DISCOVERY_ENV = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_COMMON_DIR',
  'GIT_CEILING_DIRECTORIES',
  'GIT_DISCOVERY_ACROSS_FILESYSTEM',
];

/**
 * The repository around `cwd` from the file system alone: a `.git` directory, or a `.git` file
 * (`gitdir: …`, linked worktrees) with its `commondir`. undefined when git should be asked.
 */
export function discoverRepoFromFs(
  cwd: string,
  env: Record<string, string | undefined>,
): RepoInfo | undefined {
  if (DISCOVERY_ENV.some((name) => env[name] !== undefined && env[name] !== '')) return undefined;
  let dir: string;
  try {
    dir = realpathSync(cwd);
  } catch {
    return undefined;
  }
  for (;;) {
    const dotGit = join(dir, '.git');
    let stat;
    try {
      stat = lstatSync(dotGit);
    } catch {
      stat = null;
    }
    if (stat) {
      let gitDir: string;
      if (stat.isDirectory()) gitDir = dotGit;
      else if (stat.isFile()) {
        const match = /^gitdir: (.+)$/m.exec(readText(dotGit) ?? '');
        if (!match) return undefined;
        gitDir = resolve(dir, match[1]!.trim());
      } else return undefined;
      if (readText(join(gitDir, 'HEAD')) === null) return undefined;
      const common = readText(join(gitDir, 'commondir'));
      const commonDir = common === null ? gitDir : resolve(gitDir, common.trim());
      try {
        return {
          topLevel: dir,
          gitDir: realpathSync(gitDir),
          commonDir: realpathSync(commonDir),
          stateDir: stateDirFor(realpathSync(commonDir)),
        };
      } catch {
        return undefined;
      }
    }
    const parent = dirname(dir);
    // No `.git` above: a bare repository or none at all; git knows which.
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

const GLOBAL_WITH_VALUE = new Set([
  '-C',
  '-c',
  '--git-dir',
  '--work-tree',
  '--namespace',
  '--config-env',
  '--super-prefix',
]);

/** The word git will look up as a command (after global options), or null. */
export function typedSubcommand(argv: readonly string[]): string | null {
  let i = 0;
  while (i < argv.length && argv[i]!.startsWith('-')) i += GLOBAL_WITH_VALUE.has(argv[i]!) ? 2 : 1;
  return argv[i] ?? null;
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

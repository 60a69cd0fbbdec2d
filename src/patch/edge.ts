/**
 * save-patch's and apply-patch's view of the outside world: the real git, the repository, the
 * compiled policy and the active leases, behind one seam so the commands stay thin and testable.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { GitfenceError } from '../errors.js';
import type { CompiledPolicy, LeaseFact } from '../evaluate/types.js';
import { discoverRepo, type RepoInfo } from '../repo/discover.js';
import { gitfenceHomeFrom, homePaths, statePaths } from '../repo/state-paths.js';
import { resolveRealGit } from '../shim/resolve-git.js';
import type { GitRunner } from '../util/git-runner.js';
import { createPipeSafeGitRunner } from './git.js';
import packageJson from '../../package.json' with { type: 'json' };

export const GITFENCE_VERSION: string = packageJson.version;

/** Variables that would point git somewhere else or inject config: gitfence's own git calls run without them. */
const SCRUBBED =
  /^(GIT_DIR|GIT_WORK_TREE|GIT_INDEX_FILE|GIT_OBJECT_DIRECTORY|GIT_ALTERNATE_OBJECT_DIRECTORIES|GIT_COMMON_DIR|GIT_NAMESPACE|GIT_CONFIG_PARAMETERS|GIT_CONFIG_COUNT|GIT_CONFIG_KEY_\d+|GIT_CONFIG_VALUE_\d+|GIT_EXTERNAL_DIFF|GIT_DIFF_OPTS|GIT_LITERAL_PATHSPECS|GIT_GLOB_PATHSPECS|GIT_NOGLOB_PATHSPECS|GIT_ICASE_PATHSPECS)$/;

export function scrubGitEnv(
  env: Record<string, string | undefined>,
): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !SCRUBBED.test(key)));
}

export function createPatchGitRunner(env: Record<string, string | undefined>): GitRunner {
  const shimDir = homePaths(gitfenceHomeFrom(env, homedir())).shimDir;
  return createPipeSafeGitRunner(resolveRealGit({ env, shimDir }), scrubGitEnv(env));
}

export async function requireRepo(
  cwd: string,
  git: GitRunner,
  command: string,
): Promise<RepoInfo & { topLevel: string }> {
  const repo = await discoverRepo(cwd, git);
  if (!repo) {
    throw new GitfenceError('NOT_A_REPOSITORY', `${command} must run inside a git repository`, {
      where: cwd,
      hint: 'cd into the repository (or one of its worktrees) first',
    });
  }
  if (repo.topLevel === null) {
    throw new GitfenceError('USAGE', `${command} needs a working tree`, {
      where: repo.gitDir,
      got: 'a bare repository',
      hint: 'run it inside a working tree of the repository',
    });
  }
  return repo as RepoInfo & { topLevel: string };
}

/** What the save-patch decision needs when no policy was ever compiled: the schema's defaults (saveAll: deny). */
function defaultSaveSettings(): CompiledPolicy {
  return {
    format: 'gitfence/compiled-policy@1',
    sourceHash: 'builtin-default',
    layers: [{ layer: 'builtin' }],
    defaultAction: 'allow',
    allow: [],
    rules: [],
    checks: [],
    settings: {
      scopes: {
        defaultTtl: '30m',
        maxTtl: '4h',
        autoScope: ['status', 'diff'],
        commitCheck: 'deny',
        saveAll: 'deny',
      },
    } as unknown as CompiledPolicy['settings'],
  };
}

async function readCompiled(file: string): Promise<CompiledPolicy | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new GitfenceError('POLICY_CORRUPT', 'the compiled policy cannot be read', {
      where: file,
      got: (error as Error).message,
      hint: 'run `gitfence compile` (and `gitfence doctor`)',
    });
  }
  try {
    const parsed = JSON.parse(text) as CompiledPolicy;
    if (
      parsed.format !== 'gitfence/compiled-policy@1' ||
      typeof parsed.settings?.scopes?.saveAll !== 'string'
    ) {
      throw new Error('not a compiled gitfence policy');
    }
    return parsed;
  } catch (error) {
    throw new GitfenceError('POLICY_CORRUPT', 'the compiled policy is corrupt', {
      where: file,
      expected: 'gitfence/compiled-policy@1 JSON',
      got: (error as Error).message,
      hint: 'run `gitfence compile` to rebuild it',
    });
  }
}

/** TEMPORARY until src/policy/load-compiled.ts lands: repository → global → the schema defaults; corrupt fails closed. */
export async function loadSavePatchPolicy(
  stateDir: string,
  env: Record<string, string | undefined>,
): Promise<CompiledPolicy> {
  const repo = await readCompiled(statePaths(stateDir).compiledPolicy);
  if (repo) return repo;
  const global = await readCompiled(
    join(homePaths(gitfenceHomeFrom(env, homedir())).compiledDir, 'policy.json'),
  );
  return global ?? defaultSaveSettings();
}

/** TEMPORARY until src/scopes/facts.ts lands: no leases are known, so agents must name --path. */
export async function gatherActiveLeases(_stateDir: string, _now: number): Promise<LeaseFact[]> {
  return [];
}

/**
 * Installing gitfence's git hooks with husky, keeping whatever ran before:
 * - husky's runtime goes into the main worktree's `.husky/_`;
 * - `core.hooksPath` is set to that runtime's **absolute** path, because `.husky/_` is git-ignored
 *   and a relative `.husky/_` names a missing folder in every fresh linked worktree (git then runs
 *   no hooks at all, silently);
 * - `.husky/pre-push` and `.husky/pre-commit` get a managed block in front of the project's own
 *   commands; hooks the old hooks dir (`.git/hooks` or a custom `core.hooksPath`) had are chained.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { GitfenceError } from '../errors.js';
import type { RepoInfo } from '../repo/discover.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import type { GitRunner } from '../util/git-runner.js';
import {
  GITFENCE_HOOKS,
  mergeHookScript,
  renderHookBlock,
  type HookTemplates,
} from './hook-script.js';
import { ensureRuntimeStub, HUSKY_DIR, runHusky } from './husky.js';

export interface InstallHooksInput {
  repo: RepoInfo;
  git: GitRunner;
  nodePath: string;
  cliPath: string;
  /** The real git baked into the hooks (`resolveRealGit`: absolute, never the shim). */
  gitPath: string;
  templates: HookTemplates;
}

export interface InstallHooksReport {
  /** The worktree whose `.husky/` holds the hooks (the main worktree). */
  huskyRoot: string;
  hooksPath: string;
  /** `.husky/<hook>` files written or updated this run. */
  changed: string[];
  /** Hooks from the previous hooks dir now run from gitfence's husky scripts. */
  chained: string[];
  /** The hooks dir that was in effect before gitfence (null: husky was, or none). */
  chainFrom: string | null;
}

interface HooksState {
  format: 'gitfence/hooks@1';
  chainFrom: string | null;
}

const stateFile = (repo: RepoInfo) => join(repo.stateDir, 'hooks.json');

/** The main worktree (first in `git worktree list`), unless the repository is bare. */
export async function findMainWorktree(repo: RepoInfo, git: GitRunner): Promise<string> {
  const list = await git.run(['worktree', 'list', '--porcelain'], {
    cwd: repo.topLevel ?? repo.gitDir,
  });
  const first = list.stdout.split('\n\n')[0] ?? '';
  const path = /^worktree (.+)$/m.exec(first)?.[1];
  if (list.code === 0 && path && !/^bare$/m.test(first) && existsSync(join(path, '.git')))
    return path;
  if (!repo.topLevel) {
    throw new GitfenceError('USAGE', 'git hooks are installed from a worktree', {
      where: repo.gitDir,
      got: 'a bare repository',
      hint: 'run `gitfence init` inside a checked-out worktree',
    });
  }
  return repo.topLevel;
}

/** Is this hooks path husky's (v9 `.husky/_`, older `.husky`), so its scripts are already `.husky/*`? */
function isHuskyPath(hooksPath: string, huskyRoot: string): boolean {
  const absolute = isAbsolute(hooksPath) ? hooksPath : resolve(huskyRoot, hooksPath);
  return [join(huskyRoot, HUSKY_DIR), join(huskyRoot, HUSKY_DIR, '_')].includes(
    absolute.replace(/\/+$/, ''),
  );
}

/** Executable hooks (not `*.sample`) in a hooks dir, by name. */
export function listLegacyHooks(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => !name.endsWith('.sample') && !name.startsWith('.'))
    .filter((name) => {
      try {
        const stat = statSync(join(dir, name));
        return stat.isFile() && (stat.mode & 0o111) !== 0;
      } catch {
        return false;
      }
    })
    .sort();
}

async function readState(repo: RepoInfo): Promise<HooksState | null> {
  try {
    const parsed = JSON.parse(await readFile(stateFile(repo), 'utf8')) as HooksState;
    return parsed.format === 'gitfence/hooks@1' ? parsed : null;
  } catch {
    return null;
  }
}

export async function installGitHooks(input: InstallHooksInput): Promise<InstallHooksReport> {
  const { repo, git } = input;
  const huskyRoot = await findMainWorktree(repo, git);
  const hooksPath = join(huskyRoot, HUSKY_DIR, '_');
  const current = (
    await git.run(['config', '--get', 'core.hooksPath'], { cwd: huskyRoot })
  ).stdout.trim();
  const saved = await readState(repo);
  // The hooks dir that ran before gitfence: `.git/hooks` when no hooks path was set, a custom path
  // as set; none when husky was already active (its `.husky/*` scripts are kept in place). After
  // the first init the path is ours, so the answer is remembered.
  const chainFrom =
    current === ''
      ? join(repo.commonDir, 'hooks')
      : isHuskyPath(current, huskyRoot)
        ? (saved?.chainFrom ?? null)
        : resolve(huskyRoot, current);
  const legacy = chainFrom ? listLegacyHooks(chainFrom) : [];

  runHusky(huskyRoot);
  const set = await git.run(['config', 'core.hooksPath', hooksPath], { cwd: huskyRoot });
  if (set.code !== 0) {
    throw new GitfenceError('GIT_FAILED', 'cannot set core.hooksPath', {
      where: huskyRoot,
      got: set.stderr.trim(),
      hint: 'check that .git/config is writable (is the .git write-lock on?)',
    });
  }

  const changed: string[] = [];
  for (const hook of [...new Set([...GITFENCE_HOOKS, ...legacy])]) {
    ensureRuntimeStub(huskyRoot, hook);
    const file = join(huskyRoot, HUSKY_DIR, hook);
    const existing = existsSync(file) ? await readFile(file, 'utf8') : null;
    const chained = chainFrom && legacy.includes(hook) ? [join(chainFrom, hook)] : [];
    const block = renderHookBlock(input.templates, {
      hook,
      nodePath: input.nodePath,
      cliPath: input.cliPath,
      gitPath: input.gitPath,
      chained,
    });
    const next = mergeHookScript(existing, block);
    if (next !== existing) {
      await writeFile(file, next, { mode: 0o755 });
      changed.push(file);
    }
    await chmod(file, 0o755);
  }
  const state: HooksState = { format: 'gitfence/hooks@1', chainFrom };
  await writeFileAtomic(stateFile(repo), `${JSON.stringify(state, null, 2)}\n`);
  return {
    huskyRoot,
    hooksPath,
    changed,
    chained: chainFrom ? legacy.map((hook) => join(chainFrom, hook)) : [],
    chainFrom,
  };
}

/** Problems with the installed hooks as seen from `cwd`'s worktree (for doctor and worktree add). */
export async function inspectGitHooks(cwd: string, git: GitRunner): Promise<string[]> {
  const problems: string[] = [];
  const hooksPath = (await git.run(['config', '--get', 'core.hooksPath'], { cwd })).stdout.trim();
  if (hooksPath === '') return ['core.hooksPath is not set: run `gitfence init`'];
  const top = (await git.run(['rev-parse', '--show-toplevel'], { cwd })).stdout.trim() || cwd;
  const dir = isAbsolute(hooksPath) ? hooksPath : resolve(top, hooksPath);
  for (const hook of GITFENCE_HOOKS) {
    if (!existsSync(join(dir, hook)))
      problems.push(
        `${join(dir, hook)} is missing, so git runs no ${hook} hook here: run \`gitfence init\``,
      );
    const script = join(dir, '..', hook);
    const text = existsSync(script) ? await readFile(script, 'utf8') : '';
    if (!text.includes('gitfence_run hook'))
      problems.push(`${script} does not call gitfence: run \`gitfence init\``);
    // an older block lets the committer's GITFENCE_REAL_GIT or PATH choose the git gitfence reads with
    else if (!text.includes('--real-git='))
      problems.push(
        `${script} names no real git for gitfence, so the committer's environment chooses one: run \`gitfence init\``,
      );
  }
  return problems;
}

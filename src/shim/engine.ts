/**
 * The shim's view of the other components (policy loading, fact gathering, evaluation, rendering),
 * behind one seam. Where a component had not landed yet, a TEMPORARY fallback from fallback.ts
 * stands in; see the issue-3 report.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GitfenceError, isGitfenceError } from '../errors.js';
import type { CompiledPolicy, Decision, Facts, GitRequest } from '../evaluate/types.js';
import { discoverRepo, type RepoInfo } from '../repo/discover.js';
import { homePaths, statePaths } from '../repo/state-paths.js';
import type { GitRunner } from '../util/git-runner.js';
import {
  fallbackEvaluate,
  fallbackFailClosed,
  fallbackPolicy,
  fallbackRenderAlert,
  fallbackRenderDenialLine,
} from './fallback.js';

export interface LoadPolicyInput {
  stateDir: string | null;
  env: Record<string, string | undefined>;
  gitfenceHome: string;
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
    if (parsed.format !== 'gitfence/compiled-policy@1' || !Array.isArray(parsed.rules)) {
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

/** TEMPORARY until src/policy/load-compiled.ts: repository → global → default preset, never nothing. */
export async function loadPolicy({
  stateDir,
  gitfenceHome,
}: LoadPolicyInput): Promise<CompiledPolicy> {
  if (stateDir) {
    const repo = await readCompiled(statePaths(stateDir).compiledPolicy);
    if (repo) return repo;
  }
  const global = await readCompiled(join(homePaths(gitfenceHome).compiledDir, 'policy.json'));
  return global ?? fallbackPolicy();
}

/** Load the policy, or a fail-closed decision that says why it could not be. */
export async function loadPolicyOrDecision(
  input: LoadPolicyInput,
): Promise<
  { policy: CompiledPolicy; failed?: undefined } | { policy?: undefined; failed: Decision }
> {
  try {
    return { policy: await loadPolicy(input) };
  } catch (error) {
    if (
      isGitfenceError(error) &&
      (error.code === 'POLICY_NOT_COMPILED' || error.code === 'POLICY_CORRUPT')
    ) {
      return {
        failed: failClosedDecision(error.message, error.details.hint ?? 'run `gitfence compile`'),
      };
    }
    throw error;
  }
}

export interface GatherInput {
  cwd: string;
  env: Record<string, string | undefined>;
  git: GitRunner;
  now: () => number;
  policy: CompiledPolicy;
  tty: boolean;
}

/** TEMPORARY until src/facts/gather.ts: aliases, worktree roots, refs. */
export async function gatherFacts({
  cwd,
  git,
  tty,
}: GatherInput): Promise<{ repo: RepoInfo | null; facts: Facts }> {
  const repo = await discoverRepo(cwd, git);
  const facts: Facts = { tty };
  if (!repo) return { repo, facts };
  const [aliases, worktrees, refs] = await Promise.all([
    git.run(['config', '--get-regexp', '^alias\\.'], { cwd }),
    git.run(['worktree', 'list', '--porcelain'], { cwd }),
    git.run(['for-each-ref', '--format=%(refname:short)'], { cwd }),
  ]);
  facts.aliases = {};
  for (const line of aliases.stdout.split('\n')) {
    const match = /^alias\.(\S+) (.*)$/.exec(line);
    if (match) facts.aliases[match[1]!] = match[2]!;
  }
  facts.allowedRoots = worktrees.stdout
    .split('\n')
    .filter((l) => l.startsWith('worktree '))
    .map((l) => l.slice('worktree '.length));
  facts.refs = refs.stdout.split('\n').filter(Boolean);
  if (repo.topLevel) facts.repoRoot = repo.topLevel;
  return { repo, facts };
}

export function evaluate(policy: CompiledPolicy, request: GitRequest): Decision {
  return fallbackEvaluate(policy, request);
}

export function failClosedDecision(reason: string, hint: string): Decision {
  return fallbackFailClosed(reason, hint);
}

export function renderAlert(decision: Decision, _options: { color: boolean }): string {
  return fallbackRenderAlert(decision);
}

export function renderDenialLine(decision: Decision): string {
  return fallbackRenderDenialLine(decision);
}

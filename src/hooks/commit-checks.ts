/** The commit stage's custom checks: the staged diff gathered at the edge, the results judged purely. */
import { evaluateChecks } from '../evaluate/checks.js';
import type { CompiledPolicy, Decision } from '../evaluate/types.js';
import type { RepoInfo } from '../repo/discover.js';
import { statePaths } from '../repo/state-paths.js';
import type { GitRunner } from '../util/git-runner.js';
import { loadCheckModule, runCustomChecks } from './custom-checks.js';
import { PATCH_FLAGS, parsePatchLog } from './diff-parse.js';
import { gatherBlobSizes } from './push-gather.js';

const ALLOW: Decision = { outcome: 'allow', matches: [], warnings: [], alert: 'none' };

export async function evaluateCommitChecks(input: {
  policy: CompiledPolicy;
  repo: RepoInfo;
  git: GitRunner;
  agent: string | null;
}): Promise<Decision> {
  const { policy, repo, git, agent } = input;
  // No commit-stage checks: no diff to gather.
  if (!(policy.checks ?? []).some((check) => check.stage === 'commit')) return ALLOW;
  const cwd = repo.topLevel ?? repo.gitDir;
  const staged = await git.run(
    ['-c', 'core.quotePath=false', 'diff', '--cached', ...PATCH_FLAGS, '--'],
    { cwd },
  );
  const parsed = parsePatchLog(staged.code === 0 ? staged.stdout : '');
  const sizes = await gatherBlobSizes(parsed, git, cwd);
  const files = parsed.files.map((file) => {
    const size = file.blobs.map((blob) => sizes.get(blob)).find((s) => s !== undefined);
    return size === undefined
      ? { path: file.path, status: file.status }
      : { path: file.path, status: file.status, size };
  });
  const outcomes = await runCustomChecks(
    policy,
    'commit',
    {
      stage: 'commit',
      agent,
      commits: [],
      files,
      get diff() {
        return parsed.diff;
      },
      addedLines: parsed.addedLines,
    },
    () => loadCheckModule(statePaths(repo.stateDir).compiledModule),
  );
  if (staged.code !== 0) {
    outcomes.push({
      id: 'staged-diff',
      severity: 'error',
      errors: [`git diff --cached failed: ${staged.stderr.trim()}`],
      warnings: [],
    });
  }
  return evaluateChecks(outcomes, 'commit');
}

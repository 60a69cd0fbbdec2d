/** The commit stage's custom checks: the staged diff gathered at the edge, the results judged purely. */
import { evaluateChecks } from '../evaluate/checks.js';
import type { CompiledPolicy, Decision } from '../evaluate/types.js';
import type { RepoInfo } from '../repo/discover.js';
import { statePaths } from '../repo/state-paths.js';
import type { GitRunner } from '../util/git-runner.js';
import { loadCheckModule, runCustomChecks } from './custom-checks.js';
import {
  PATCH_FLAGS,
  PatchLogParser,
  sectionKey,
  TextBlobJudge,
  type ParsedChange,
} from './diff-parse.js';
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
  const parser = new PatchLogParser();
  parser.push(staged.code === 0 ? staged.stdout : '');
  const unread = parser.binaries.length > 0 ? await readBinariesAsText(parser, git, cwd) : [];
  const parsed: ParsedChange = parser.end();
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
  const failures = staged.code !== 0 ? [`git diff --cached failed: ${staged.stderr.trim()}`] : [];
  failures.push(...unread);
  if (failures.length > 0) {
    outcomes.push({ id: 'staged-diff', severity: 'error', errors: failures, warnings: [] });
  }
  return evaluateChecks(outcomes, 'commit');
}

/**
 * A `-diff` or `binary` attribute (the repository's own `.gitattributes` can set one), or a diff
 * driver's `binary`, makes git print `Binary files … differ` for a staged text file, and its added
 * lines would never be checked. Sections whose staged blob git's content check finds text are read
 * again with `--text` into the same parser. Returns what could not be read, which fails the commit.
 */
async function readBinariesAsText(
  parser: PatchLogParser,
  git: GitRunner,
  cwd: string,
): Promise<string[]> {
  const blobs = [...new Set(parser.binaries.flatMap((b) => (b.blob ? [b.blob] : [])))];
  let text = new Set<string>();
  if (blobs.length > 0) {
    // streamed: a staged binary can be large, and only its first bytes decide
    const judge = new TextBlobJudge();
    const batch = await git.run(['cat-file', '--batch'], {
      cwd,
      input: `${blobs.join('\n')}\n`,
      onStdout: (chunk) => judge.push(chunk),
    });
    if (batch.code !== 0) return [`git cat-file --batch failed: ${batch.stderr.trim()}`];
    text = judge.text;
  }
  const wanted = parser.binaries.filter((b) => b.blob === undefined || text.has(b.blob));
  if (wanted.length === 0) return [];
  const missing = parser.readOnly(new Set(wanted.map((b) => sectionKey(b.commit, b.path))));
  const again = await git.run(
    [
      // the paths after `--` are file names, never globs or magic
      '--literal-pathspecs',
      '-c',
      'core.quotePath=false',
      'diff',
      '--cached',
      // no raw lines: the files are known, and the reread's text joins the unified diff as is
      ...PATCH_FLAGS.filter((flag) => flag !== '--raw'),
      '--text',
      '--',
      ...new Set(wanted.map((b) => b.path)),
    ],
    { cwd },
  );
  if (again.code !== 0) return [`git diff --cached --text failed: ${again.stderr.trim()}`];
  parser.push(again.stdout);
  const lost = missing();
  return lost.length > 0
    ? [`cannot read the added lines of ${lost.map((key) => key.replace('\0', '')).join(', ')}`]
    : [];
}

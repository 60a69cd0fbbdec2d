/** `save-patch [--path GLOB]… [--all] [--out DIR] [--stdout] [--agent NAME] [--message TEXT] [--json]`. */
import { resolve } from 'node:path';
import { GitfenceError } from '../../errors.js';
import { evaluateSavePatch, resolveSaveScopes } from '../../evaluate/save-patch.js';
import type { SavePatchRequest } from '../../evaluate/types.js';
import {
  createPatchGitRunner,
  gatherActiveLeases,
  loadSavePatchPolicy,
  requireRepo,
} from '../../patch/edge.js';
import { listScope } from '../../patch/gather.js';
import { renderSaveResult } from '../../patch/render.js';
import { savePatch, type SaveResult } from '../../patch/save.js';
import { tempRootFor } from '../../patch/temp.js';
import { problemWithGlob } from '../../patch/scope-match.js';
import { renderCheck } from '../../render/check.js';
import { renderDenialLine } from '../../render/denial.js';
import type { RepoInfo } from '../../repo/discover.js';
import type { GitResult, GitRunner } from '../../util/git-runner.js';
import { GITFENCE_VERSION } from '../../util/version.js';
import { parseFlags } from '../args.js';
import type { CliContext, Command } from '../context.js';
import { runCommand } from '../run-command.js';

const USAGE_LINE =
  'save-patch [--path GLOB]… [--all] [--out DIR] [--stdout] [--agent NAME] [--message TEXT] [--json]';

function parse(context: CliContext) {
  return parseFlags(
    {
      args: context.args,
      options: {
        path: { type: 'string', multiple: true, default: [] },
        all: { type: 'boolean', default: false },
        out: { type: 'string' },
        stdout: { type: 'boolean', default: false },
        agent: { type: 'string' },
        message: { type: 'string', short: 'm' },
        json: { type: 'boolean', default: false },
      },
      allowPositionals: false,
      strict: true,
    },
    {
      where: 'save-patch',
      expected: USAGE_LINE,
      got: context.args.join(' ') || '(no arguments)',
      hint: 'run `save-patch --help`',
    },
  ).values;
}

type Flags = ReturnType<typeof parse>;

/** The policy's decision on the save, then the save itself when allowed. */
async function decideAndSave(
  context: CliContext,
  flags: Flags,
  edge: {
    git: GitRunner;
    repo: RepoInfo & { topLevel: string };
    agent: string | null;
    paths: string[];
    listing: Promise<GitResult> | undefined;
  },
): Promise<'denied' | { result: SaveResult; scopes: string[] }> {
  const { git, repo, agent, listing } = edge;
  const now = context.now();
  const policy = await loadSavePatchPolicy(repo, context.env);
  const leases = await gatherActiveLeases(repo.stateDir, now);
  const request: SavePatchRequest = {
    kind: 'save-patch',
    agent,
    all: flags.all,
    paths: edge.paths,
    facts: { leases, repoRoot: repo.topLevel },
  };
  // the evaluator's save-patch branch, called directly so this command never loads the git-argv parser
  const decision = evaluateSavePatch(policy, request);
  if (decision.outcome === 'deny') {
    context.stderr.write(`${renderCheck(decision)}\n${renderDenialLine(decision)}\n`);
    return 'denied';
  }
  for (const warning of decision.warnings)
    context.stderr.write(`save-patch: warning: ${warning}\n`);
  const { scopes, all } = resolveSaveScopes(request);
  const result = await savePatch({
    git,
    repo,
    agent,
    scopes,
    all,
    ...(flags.out !== undefined ? { outDir: resolve(context.cwd, flags.out) } : {}),
    toStdout: flags.stdout,
    ...(flags.message !== undefined ? { message: flags.message } : {}),
    now,
    version: GITFENCE_VERSION,
    tmpRoot: await tempRootFor(repo.stateDir),
    ...(listing ? { listing } : {}),
  });
  return { result, scopes };
}

export const command: Command = {
  name: 'save-patch',
  summary: "save an agent's scoped changes as a patch file",
  usage: [
    `usage: ${USAGE_LINE}`,
    '       (also `gitfence save-patch …`)',
    '',
    'Save your changes — only those inside your scope — as a binary-safe patch for the orchestrator to',
    'apply. The real index and working tree are never touched.',
    '',
    '  --path GLOB     limit the patch to these globs (repeatable); relative to the repository root',
    '  --all           the whole tree (explicit; policy scopes.saveAll denies it to agents by default)',
    '                  without --path or --all: your own active lock scopes (`gitfence lock acquire`)',
    '  --out DIR       write the patch and its metadata into DIR instead of',
    '                  <git-common-dir>/gitfence/patches/<agent>/',
    '  --stdout        write the patch to stdout (no metadata file; apply-patch needs the metadata)',
    '  --agent NAME    who is saving (default LLM_AGENT_NAME; an agent cannot save as another)',
    '  -m, --message   a note for the orchestrator; becomes the commit subject',
    '  --json          print the metadata and file paths as JSON',
    '',
    'Nothing in scope: exit 0, "nothing to save", no file. Exit 42 when the policy denies the save',
    '(no scope, or --all for an agent); 2 on bad arguments. See docs/patches.md.',
  ].join('\n'),
  async run(context) {
    const flags = parse(context);
    const envAgent = context.env.LLM_AGENT_NAME || null;
    if (flags.agent !== undefined && flags.agent === '') {
      throw new GitfenceError('USAGE', 'empty agent name', {
        where: '--agent',
        expected: 'a name',
        got: '""',
      });
    }
    if (envAgent && flags.agent !== undefined && flags.agent !== envAgent) {
      throw new GitfenceError('DENIED', "an agent cannot save a patch under another agent's name", {
        where: '--agent',
        expected: envAgent,
        got: flags.agent,
        hint: 'drop --agent; your identity comes from LLM_AGENT_NAME',
      });
    }
    if (flags.all && flags.path.length > 0) {
      throw new GitfenceError('USAGE', '--all and --path exclude each other', {
        where: 'save-patch',
        hint: 'give either the globs to save or --all for the whole tree',
      });
    }
    if (flags.stdout && flags.out !== undefined) {
      throw new GitfenceError('USAGE', '--stdout and --out exclude each other', {
        where: 'save-patch',
      });
    }
    for (const [i, glob] of flags.path.entries()) {
      const problem = problemWithGlob(glob);
      if (problem) {
        throw new GitfenceError('USAGE', `the glob ${problem}`, {
          where: `--path #${i + 1}`,
          expected: 'a glob relative to the repository root, such as src/a/**',
          got: JSON.stringify(glob),
        });
      }
    }
    const agent = envAgent ?? flags.agent ?? null;
    const git = createPatchGitRunner(context.env);
    const repo = await requireRepo(context.cwd, git, 'save-patch', context.env);
    const paths = flags.path.map((glob) => glob.replace(/^\.\//, ''));
    // --path names the scope before the policy is read: git lists it meanwhile (read-only, nothing
    // changes), and a denial or an error only discards the listing, once git is done with it
    const listing = paths.length > 0 ? listScope(git, repo.topLevel, paths) : undefined;
    const settled = listing?.then(
      () => undefined,
      () => undefined,
    );
    let saved: Awaited<ReturnType<typeof decideAndSave>>;
    try {
      saved = await decideAndSave(context, flags, { git, repo, agent, paths, listing });
    } finally {
      await settled;
    }
    if (saved === 'denied') return 'denied';
    const { result, scopes } = saved;
    if (result.status === 'stdout') {
      // the patch is bytes (binary hunks, any file-name encoding): hand them over unconverted
      (context.stdout.write as (chunk: string | Uint8Array) => unknown).call(
        context.stdout,
        result.patch,
      );
      context.stderr.write(`${renderSaveResult(result, { color: false })}\n`);
      return 'ok';
    }
    if (flags.json) {
      context.stdout.write(
        `${JSON.stringify({ status: result.status, patch: result.patchPath ?? null, metadataFile: result.metaPath ?? null, metadata: result.metadata, scopes, skipped: result.skipped }, null, 2)}\n`,
      );
      return 'ok';
    }
    context.stdout.write(`${renderSaveResult(result, { color: false, scopes })}\n`);
    return 'ok';
  },
};

/**
 * The whole process for the hot entry (`save-patch …`, `gitfence save-patch …`): what `main` does for
 * this one command (help before any `--`, result and error to exit code), without the command table.
 */
export async function runSavePatchProcess(
  args: string[],
  context: Omit<CliContext, 'args'>,
): Promise<number> {
  return runCommand(command, args, context);
}

/** `gitfence apply-patch <file> [--check] [--commit] [--message TEXT] [--meta FILE] [--json]`, for the orchestrator. */
import { resolve } from 'node:path';
import { GitfenceError } from '../../errors.js';
import { applyPatch } from '../../patch/apply.js';
import { createPatchGitRunner, requireRepo } from '../../patch/edge.js';
import { renderApplyReport } from '../../patch/render.js';
import { tempRootFor } from '../../patch/temp.js';
import { parseFlags } from '../args.js';
import type { CliContext, Command } from '../context.js';

const USAGE_LINE =
  'gitfence apply-patch <file> [--check] [--commit] [--message TEXT] [--meta FILE] [--json]';

function parse(context: CliContext) {
  return parseFlags(
    {
      args: context.args,
      options: {
        check: { type: 'boolean', default: false },
        commit: { type: 'boolean', default: false },
        message: { type: 'string', short: 'm' },
        meta: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      allowPositionals: true,
      strict: true,
    },
    {
      where: 'apply-patch',
      expected: USAGE_LINE,
      got: context.args.join(' ') || '(no arguments)',
      hint: 'run `gitfence apply-patch --help`',
    },
  );
}

export const command: Command = {
  name: 'apply-patch',
  summary: 'verify and apply a saved patch (orchestrator)',
  usage: [
    `usage: ${USAGE_LINE}`,
    '',
    'Verify a patch written by save-patch, then apply it all or nothing to the index and working tree.',
    'Before anything changes: the sha256 must match the metadata beside the patch, every file must lie',
    'inside the declared scopes, and the patch must apply (directly, or by a rehearsed 3-way merge when',
    'the base moved). A conflict changes nothing and is reported file by file.',
    '',
    '  --check         verify only; change nothing',
    '  --commit        commit exactly HEAD + the patch (other staged changes stay staged and out of it),',
    '                  with a message naming the agent, scopes and base; hooks run as usual',
    '  -m, --message   the commit subject (default: the agent\'s note, or "Apply <agent>\'s patch: <scopes>")',
    '  --meta FILE     the metadata JSON, when it is not beside the patch as <name>.json',
    '  --json          print the report as JSON',
    '',
    'Exit 0 applied/verified; 42 refused (tampered, out of scope, missing metadata, or does not apply —',
    'nothing changed); 2 malformed patch or metadata, bad arguments. See docs/patches.md.',
  ].join('\n'),
  async run(context) {
    const { values: flags, positionals } = parse(context);
    if (positionals.length !== 1) {
      throw new GitfenceError(
        'USAGE',
        positionals.length === 0 ? 'no patch file given' : 'more than one patch file given',
        {
          where: 'apply-patch',
          expected: USAGE_LINE,
          got: positionals.join(' ') || '(nothing)',
          hint: 'apply one patch at a time, in the order the agents saved them',
        },
      );
    }
    if (flags.check && flags.commit) {
      throw new GitfenceError('USAGE', '--check and --commit exclude each other', {
        where: 'apply-patch',
      });
    }
    const git = createPatchGitRunner(context.env);
    const repo = await requireRepo(context.cwd, git, 'apply-patch');
    const report = await applyPatch({
      git,
      repo,
      patchPath: resolve(context.cwd, positionals[0]!),
      ...(flags.meta !== undefined ? { metaPath: resolve(context.cwd, flags.meta) } : {}),
      check: flags.check,
      commit: flags.commit,
      ...(flags.message !== undefined ? { message: flags.message } : {}),
      tmpRoot: await tempRootFor(repo.stateDir),
    });
    if (flags.json) {
      const { metadata, ...rest } = report;
      context.stdout.write(
        `${JSON.stringify({ ...rest, agent: metadata.agent, scopes: metadata.scopes, base: metadata.base }, null, 2)}\n`,
      );
    } else {
      (report.status === 'conflict' ? context.stderr : context.stdout).write(
        `${renderApplyReport(report)}\n`,
      );
    }
    return report.status === 'conflict' ? 'denied' : 'ok';
  },
};

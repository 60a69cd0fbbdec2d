/** `gitfence log`: the audit log, filtered, as lines or JSON. */
import { homedir } from 'node:os';
import { filterAuditEntries, loadAuditEntries, renderAuditLine } from '../../audit/read.js';
import { auditTargetFor } from '../../audit/target.js';
import { GitfenceError } from '../../errors.js';
import { discoverRepo } from '../../repo/discover.js';
import { loadPolicyOrDecision } from '../../shim/engine.js';
import { resolveRealGitFor } from '../../shim/resolve-git.js';
import { ownGitRunner } from '../../util/git-runner.js';
import { parseDuration } from '../../util/units.js';
import { parseFlags } from '../args.js';
import type { Command } from '../context.js';

const USAGE = `usage: gitfence log [--agent NAME] [--outcome allow|deny] [--since 1h] [--json]

Shows the audit log of this repository (<git-common-dir>/gitfence/audit.jsonl and its rotated
files), oldest first: every git call the shim handed to the evaluator, with its agent, argv
(secrets redacted), matching rule ids, outcome and break-glass attempts.

  --agent NAME      only calls made by this agent (LLM_AGENT_NAME)
  --outcome O       only allowed (allow) or denied (deny) calls
  --since D         only calls in the last D (90s, 30m, 4h, 2d)
  --json            one JSON object per line

Exit codes: 0 done, 2 usage error (or not inside a repository).`;

export const command: Command = {
  name: 'log',
  summary: 'show the audit log',
  usage: USAGE,
  async run(context) {
    const { values } = parseFlags(
      {
        args: context.args,
        options: {
          agent: { type: 'string' },
          outcome: { type: 'string' },
          since: { type: 'string' },
          json: { type: 'boolean' },
        },
        strict: true,
      },
      {
        where: 'gitfence log',
        expected: 'gitfence log [--agent NAME] [--outcome allow|deny] [--since 1h] [--json]',
        got: context.args.join(' '),
        hint: 'run `gitfence log --help`',
      },
    );
    if (values.outcome !== undefined && values.outcome !== 'allow' && values.outcome !== 'deny') {
      throw new GitfenceError('USAGE', 'invalid --outcome', {
        expected: 'allow or deny',
        got: values.outcome,
      });
    }
    const since =
      values.since === undefined
        ? undefined
        : context.now() - parseDuration(values.since, '--since');
    const git = ownGitRunner(
      resolveRealGitFor(context.env, homedir()),
      context.env,
      'repository-at-cwd',
    );
    const repo = await discoverRepo(context.cwd, git);
    if (!repo) {
      throw new GitfenceError('NOT_A_REPOSITORY', 'not inside a git repository', {
        where: context.cwd,
        hint: 'run `gitfence log` inside the repository whose audit log you want',
      });
    }
    const loaded = await loadPolicyOrDecision({
      stateDir: repo.stateDir,
      env: context.env,
      home: context.env.HOME || homedir(),
      repoRoot: repo.topLevel,
    });
    const { file, keep } = auditTargetFor(loaded.policy?.settings.audit, {
      stateDir: repo.stateDir,
    });
    const { entries, malformed } = loadAuditEntries(file, keep);
    const shown = filterAuditEntries(entries, {
      agent: values.agent,
      outcome: values.outcome as 'allow' | 'deny' | undefined,
      since,
    });
    if (values.json) {
      for (const entry of shown) context.stdout.write(`${JSON.stringify(entry)}\n`);
    } else if (shown.length === 0) {
      context.stdout.write(`no audit entries${entries.length ? ' match' : ` yet (${file})`}\n`);
    } else {
      for (const entry of shown) context.stdout.write(`${renderAuditLine(entry)}\n`);
    }
    if (malformed)
      context.stderr.write(
        `gitfence: warning: ${malformed} malformed line(s) skipped in ${file}\n`,
      );
    return 'ok';
  },
};

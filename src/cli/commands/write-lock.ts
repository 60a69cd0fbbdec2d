/** `git-write-lock` / `gitfence write-lock`: the `.git` write-lock and the orchestrator's push window. */
import { parseArgs } from 'node:util';
import { GitfenceError } from '../../errors.js';
import { stateDirFor } from '../../repo/discover.js';
import { parseDuration } from '../../util/units.js';
import { createWriteLockDeps, loadRepo, repoFromCommonDir } from '../../writelock/context.js';
import { renderStatusLine } from '../../writelock/facts.js';
import { gatherStatus, renderStatusJson, renderStatusText } from '../../writelock/status.js';
import {
  ensureWriteLockState,
  lockRepo,
  relockRepo,
  runWatchdog,
  unlockForPush,
  unlockRepo,
  type OperationResult,
} from '../../writelock/service.js';
import type { CliContext, Command, CommandResult } from '../context.js';

const USAGE = `usage: git-write-lock <action> [options]      (also: gitfence write-lock …)

actions:
  status [--json]                     one of: unlocked, locked (immutable), locked (chmod), locked (external)
  lock                                make the git dirs unwritable (mode from the policy: auto|immutable|chmod)
  unlock                              the human's unlock: no lease, does not re-arm
  unlock-for-push --holder NAME [--ttl S] [--json]
                                      open a leased push window; prints the fencing token.
                                      Exits 42 while another holder's window is open.
  relock --holder NAME [--token N]    close your push window and lock again

options:
  --cwd DIR    run as if in DIR
  --json       machine-readable output (mode, holder, lease expiry, token)

The window closes by itself when the lease expires (default writeLock.pushWindowTtl, 120s), also if
the holder crashed: a detached watchdog re-arms it, and every gitfence command checks lazily.
See docs/write-lock.md.`;

const OPTIONS = {
  cwd: { type: 'string' },
  json: { type: 'boolean' },
  holder: { type: 'string' },
  ttl: { type: 'string' },
  token: { type: 'string' },
  'common-dir': { type: 'string' },
} as const;

function parse(args: string[]) {
  try {
    return parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new GitfenceError('USAGE', (error as Error).message, {
      where: 'git-write-lock',
      hint: 'run `git-write-lock --help`',
    });
  }
}

function parseToken(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) {
    throw new GitfenceError('USAGE', 'invalid token', {
      where: '--token',
      expected: 'the number unlock-for-push printed',
      got: JSON.stringify(value),
    });
  }
  return Number(value);
}

function report(context: CliContext, json: boolean, outcome: OperationResult, extra = {}): void {
  if (json) {
    context.stdout.write(
      `${JSON.stringify({ status: renderStatusLine(outcome.fact), message: outcome.message, ...outcome.fact, notes: outcome.notes, ...extra }, null, 2)}\n`,
    );
    return;
  }
  context.stdout.write(`${outcome.message}\n`);
  for (const note of outcome.notes) context.stderr.write(`note: ${note}\n`);
}

export const command: Command = {
  name: 'write-lock',
  summary: 'the .git write-lock and the push window',
  usage: USAGE,
  async run(context): Promise<CommandResult> {
    const { values, positionals } = parse(context.args);
    const [action, ...extra] = positionals;
    if (extra.length > 0) {
      throw new GitfenceError('USAGE', 'too many arguments', {
        expected: 'one action',
        got: positionals.join(' '),
        hint: 'run `git-write-lock --help`',
      });
    }
    const deps = createWriteLockDeps(context.env, context.now);
    const json = values.json ?? false;

    if (action === 'watchdog') {
      const commonDir = values['common-dir'];
      const token = parseToken(values.token);
      if (!commonDir || token === undefined) {
        throw new GitfenceError('USAGE', 'the watchdog needs --common-dir and --token', {
          got: context.args.join(' '),
        });
      }
      const repo = repoFromCommonDir(commonDir, stateDirFor(commonDir));
      await runWatchdog(
        repo,
        deps,
        token,
        (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      );
      return 'ok';
    }

    const repo = await loadRepo(values.cwd ?? context.cwd, deps.git);
    switch (action) {
      case undefined:
      case 'status': {
        await ensureWriteLockState(repo, deps.now(), deps).catch(() => undefined);
        const status = await gatherStatus(repo, deps);
        context.stdout.write(
          json ? `${renderStatusJson(status)}\n` : `${renderStatusText(status)}\n`,
        );
        if (!json) for (const note of status.notes) context.stderr.write(`note: ${note}\n`);
        return 'ok';
      }
      case 'lock':
        report(context, json, await lockRepo(repo, deps));
        return 'ok';
      case 'unlock':
        report(context, json, await unlockRepo(repo, deps));
        return 'ok';
      case 'unlock-for-push': {
        const holder = values.holder ?? context.env.LLM_AGENT_NAME;
        if (!holder) {
          throw new GitfenceError('USAGE', 'unlock-for-push needs a holder', {
            expected: '--holder NAME',
            got: 'no --holder and no LLM_AGENT_NAME',
          });
        }
        const ttlMs = values.ttl === undefined ? undefined : parseDuration(values.ttl, '--ttl');
        if (ttlMs !== undefined && ttlMs <= 0) {
          throw new GitfenceError('USAGE', 'the lease must last some time', {
            where: '--ttl',
            expected: 'a positive duration (seconds, or 90s, 2m)',
            got: values.ttl,
          });
        }
        const window = await unlockForPush(repo, deps, { holder, ...(ttlMs ? { ttlMs } : {}) });
        if (json) {
          report(context, true, window, {
            token: window.lease.token,
            holder: window.lease.holder,
            expiresAt: window.lease.expiresAt,
          });
        } else {
          context.stdout.write(`${window.lease.token}\n`);
          context.stderr.write(`${window.message}\n`);
        }
        return 'ok';
      }
      case 'relock': {
        const token = parseToken(values.token);
        const holder = values.holder ?? context.env.LLM_AGENT_NAME;
        report(
          context,
          json,
          await relockRepo(repo, deps, {
            ...(holder !== undefined ? { holder } : {}),
            ...(token !== undefined ? { token } : {}),
          }),
        );
        return 'ok';
      }
      default:
        throw new GitfenceError('USAGE', `unknown write-lock action "${action}"`, {
          expected: 'status, lock, unlock, unlock-for-push or relock',
          got: action,
          hint: 'run `git-write-lock --help`',
        });
    }
  },
};

/** `gitfence checkpoint create|list|show|restore`: working-tree snapshots under refs/gitfence/snapshots. */
import { homedir } from 'node:os';
import { GitfenceError } from '../../errors.js';
import { discoverRepo } from '../../repo/discover.js';
import { loadPolicyOrDecision } from '../../shim/engine.js';
import { resolveRealGitFor } from '../../shim/resolve-git.js';
import { ownGitRunner } from '../../util/git-runner.js';
import {
  createSnapshot,
  listSnapshotFiles,
  listSnapshots,
  resolveSnapshot,
  restoreSnapshot,
  SNAPSHOT_PREFIX,
} from '../../snapshot/snapshot.js';
import { parseSize } from '../../util/units.js';
import { parseFlags } from '../args.js';
import type { CliContext, Command, CommandResult } from '../context.js';

const USAGE = `usage: gitfence checkpoint create [-m MESSAGE] [--json]
       gitfence checkpoint list [--json]
       gitfence checkpoint show <name> [--json]
       gitfence checkpoint restore <name> [--path GLOB]…

Snapshots of the working tree (tracked, untracked, and ignored files up to the break-glass size
cap) stored as commits under ${SNAPSHOT_PREFIX}. Taking one never touches the index or the working
tree. Break-glass takes one automatically before an approved command runs.

  create    take a snapshot now
  list      every snapshot, oldest first
  show      the files a snapshot holds
  restore   write a snapshot's files back into the working tree (all, or those matching --path).
            The current state is snapshotted first, the index is left as it is, and files created
            since the snapshot are kept.

Exit codes: 0 done, 2 usage error (unknown snapshot, not inside a repository), 1 internal error.`;

async function open(context: CliContext) {
  const git = ownGitRunner(
    resolveRealGitFor(context.env, homedir()),
    context.env,
    'repository-at-cwd',
  );
  const repo = await discoverRepo(context.cwd, git);
  if (!repo?.topLevel) {
    throw new GitfenceError('NOT_A_REPOSITORY', 'not inside a git working tree', {
      where: context.cwd,
      hint: 'run `gitfence checkpoint` inside the working tree to snapshot',
    });
  }
  const loaded = await loadPolicyOrDecision({
    stateDir: repo.stateDir,
    env: context.env,
    home: context.env.HOME || homedir(),
    repoRoot: repo.topLevel,
  });
  const cap = parseSize(loaded.policy?.settings.breakGlass.snapshotIgnoredMaxBytes ?? '10MB');
  return { git, repo: { topLevel: repo.topLevel, gitDir: repo.gitDir }, cap };
}

export const command: Command = {
  name: 'checkpoint',
  summary: 'working-tree snapshots under refs/gitfence/snapshots',
  usage: USAGE,
  async run(context): Promise<CommandResult> {
    const [sub, ...rest] = context.args;
    const { values, positionals } = parseFlags(
      {
        args: rest,
        options: {
          message: { type: 'string', short: 'm' },
          json: { type: 'boolean' },
          path: { type: 'string', multiple: true },
        },
        allowPositionals: true,
        strict: true,
      },
      {
        where: `gitfence checkpoint ${sub ?? ''}`.trimEnd(),
        expected: 'gitfence checkpoint create|list|show|restore [options]',
        got: context.args.join(' '),
        hint: 'run `gitfence checkpoint --help`',
      },
    );
    const out = (text: string) => context.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    switch (sub) {
      case 'create': {
        const { git, repo, cap } = await open(context);
        const snapshot = await createSnapshot({
          git,
          repo,
          now: context.now(),
          ignoredMaxBytes: cap,
          message: values.message ?? 'gitfence checkpoint',
        });
        const name = snapshot.ref.slice(SNAPSHOT_PREFIX.length);
        out(
          values.json
            ? JSON.stringify({ ...snapshot, name })
            : `checkpoint ${name} (${snapshot.commit.slice(0, 12)})\n  restore with: gitfence checkpoint restore ${name}` +
                (snapshot.skipped.length
                  ? `\n  ${snapshot.skipped.length} ignored file(s) over the size cap left out`
                  : ''),
        );
        return 'ok';
      }
      case 'list': {
        const { git, repo } = await open(context);
        const all = await listSnapshots(git, repo.topLevel);
        if (values.json) out(JSON.stringify(all));
        else
          out(
            all.length
              ? all.map((s) => `${s.name}  ${s.time}  ${s.subject}`).join('\n')
              : 'no checkpoints',
          );
        return 'ok';
      }
      case 'show': {
        const name = positionals[0];
        if (!name)
          throw new GitfenceError('USAGE', 'checkpoint show needs a name', {
            hint: 'run `gitfence checkpoint list`',
          });
        const { git, repo } = await open(context);
        const snapshot = await resolveSnapshot(git, repo.topLevel, name);
        const files = await listSnapshotFiles(git, repo.topLevel, snapshot.commit);
        if (values.json) out(JSON.stringify({ ...snapshot, files }));
        else
          out(
            [
              `${snapshot.name}  ${snapshot.time}  ${snapshot.subject}`,
              ...files.map((f) => `  ${f}`),
            ].join('\n'),
          );
        return 'ok';
      }
      case 'restore': {
        const name = positionals[0];
        if (!name)
          throw new GitfenceError('USAGE', 'checkpoint restore needs a name', {
            hint: 'run `gitfence checkpoint list`',
          });
        const { git, repo, cap } = await open(context);
        const snapshot = await resolveSnapshot(git, repo.topLevel, name);
        // Restoring overwrites files: keep what is there now first, so the restore is undoable too.
        const before = await createSnapshot({
          git,
          repo,
          now: context.now(),
          ignoredMaxBytes: cap,
          message: `gitfence checkpoint before restoring ${snapshot.name}`,
        });
        const restored = await restoreSnapshot({
          git,
          repo,
          commit: snapshot.commit,
          paths: values.path ?? [],
        });
        out(
          `restored ${restored.length} file(s) from ${snapshot.name}\n  the state before the restore is checkpoint ${before.ref.slice(SNAPSHOT_PREFIX.length)}`,
        );
        return 'ok';
      }
      default:
        throw new GitfenceError('USAGE', `unknown checkpoint subcommand "${sub ?? ''}"`, {
          expected: 'create, list, show or restore',
          got: sub ?? '(nothing)',
          hint: 'run `gitfence checkpoint --help`',
        });
    }
  },
};

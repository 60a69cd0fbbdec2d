/**
 * The compiled policy as command prefixes, for agent CLIs whose rule files only match prefixes
 * (Codex `prefix_rule`, Claude `Bash(…:*)`, Gemini `commandPrefix`). The one evaluator decides:
 * each candidate prefix is kept when the policy denies its sample call and no call the policy
 * allows starts with it (a prefix rule cannot express exemptions such as `restore --staged`).
 */
import type { CompiledPolicy, Decision, GitRequest } from '../../evaluate/types.js';

export interface Candidate {
  /** git argv prefix (after `git`). */
  prefix: string[];
  /** A whole call with this prefix, decided by the evaluator. */
  sample: string[];
}

const c = (prefix: string, sample = prefix): Candidate => ({
  prefix: prefix.split(' '),
  sample: sample.split(' '),
});

/** Spellings of the destructive catalogue, as agents type them. */
export const CANDIDATES: Candidate[] = [
  // Whole subcommands first: presets that always block them export one short prefix.
  c('restore', 'restore file.txt'),
  c('checkout', 'checkout main'),
  c('reset', 'reset HEAD~1'),
  c('clean', 'clean -f'),
  c('switch', 'switch main'),
  c('stash'),
  c('revert', 'revert HEAD'),
  c('reset --hard'),
  c('reset --merge'),
  c('reset --keep', 'reset --keep HEAD~1'),
  c('checkout --', 'checkout -- file.txt'),
  c('checkout .'),
  c('checkout -f', 'checkout -f main'),
  c('checkout --force', 'checkout --force main'),
  c('checkout HEAD --', 'checkout HEAD -- file.txt'),
  c('checkout -p', 'checkout -p file.txt'),
  c('restore', 'restore file.txt'),
  c('restore .'),
  c('restore :/'),
  c('restore --worktree', 'restore --worktree file.txt'),
  c('restore -W', 'restore -W file.txt'),
  c('restore --source', 'restore --source HEAD~1 file.txt'),
  c('restore -s', 'restore -s HEAD~1 file.txt'),
  c('restore -p', 'restore -p file.txt'),
  c('clean', 'clean -f'),
  ...[
    '-f',
    '-fd',
    '-df',
    '-fdx',
    '-dfx',
    '-xdf',
    '-xfd',
    '-fxd',
    '-xf',
    '-fx',
    '-ffdx',
    '-fX',
    '-Xf',
    '--force',
    '-d -f',
    '-x -f',
    '-f -d',
    '-f -x',
  ].map((flags) => c(`clean ${flags}`)),
  c('switch', 'switch main'),
  c('switch -f', 'switch -f main'),
  c('switch --force', 'switch --force main'),
  c('switch --discard-changes', 'switch --discard-changes main'),
  c('stash'),
  c('stash push'),
  c('stash save'),
  c('stash -u'),
  c('stash --include-untracked'),
  c('stash drop'),
  c('stash clear'),
  c('stash pop'),
  c('revert', 'revert HEAD'),
  c('push --force'),
  c('push -f'),
  c('push --force-with-lease'),
  c('push --mirror'),
  c('push --delete', 'push --delete origin feature'),
  c('push -d', 'push -d origin feature'),
  c('push --prune'),
  c('push --no-verify'),
  c('push origin --force'),
  c('push origin -f'),
  c('branch -D', 'branch -D feature'),
  c('branch --delete --force', 'branch --delete --force feature'),
  c('branch -f', 'branch -f feature'),
  c('branch --force', 'branch --force feature'),
  c('worktree remove --force', 'worktree remove --force ../wt'),
  c('worktree remove -f', 'worktree remove -f ../wt'),
  c('rm -f', 'rm -f file.txt'),
  c('rm --force', 'rm --force file.txt'),
  c('rm -rf', 'rm -rf dir'),
  c('rm -r -f', 'rm -r -f dir'),
  c('tag -d', 'tag -d v1'),
  c('tag --delete', 'tag --delete v1'),
  c('reflog expire', 'reflog expire --expire=now --all'),
  c('reflog delete', 'reflog delete HEAD@{1}'),
  c('gc --prune=now'),
  c('gc --prune=all'),
  c('prune'),
  c('update-ref -d', 'update-ref -d refs/heads/x'),
  c('symbolic-ref -d', 'symbolic-ref -d HEAD'),
  c('checkout-index -f', 'checkout-index -f -a'),
  c('checkout-index -a -f'),
  c('checkout-index --force', 'checkout-index --force -a'),
  c('read-tree -u --reset', 'read-tree -u --reset HEAD'),
  c('read-tree --reset -u', 'read-tree --reset -u HEAD'),
  c('commit --no-verify', 'commit --no-verify -m x'),
  c('commit -n', 'commit -n -m x'),
  c('merge --no-verify', 'merge --no-verify feature'),
  c('rebase --no-verify', 'rebase --no-verify main'),
  c('am --no-verify', 'am --no-verify x.patch'),
];

/** Calls agents make all day: a prefix that would forbid one the policy allows is not exported. */
export const PROBES: string[][] = [
  'status',
  'diff',
  'log',
  'add .',
  'commit -m x',
  'commit -am x',
  'push',
  'push origin main',
  'push -u origin feature',
  'push --force-with-lease',
  'push --force-with-lease origin dev',
  'pull',
  'fetch',
  'checkout main',
  'checkout -b feature',
  'checkout -B feature',
  'checkout --orphan x',
  'switch main',
  'switch -c feature',
  'switch --create feature',
  'restore --staged file.txt',
  'restore -S file.txt',
  'restore --staged .',
  'restore --help',
  'clean -n',
  'clean --dry-run',
  'clean -dn',
  'stash',
  'stash list',
  'stash show',
  'stash apply',
  'stash pop',
  'stash push',
  'reset --soft HEAD~1',
  'reset HEAD~1',
  'reset HEAD file.txt',
  'reset --keep HEAD~1',
  'branch',
  'branch -d feature',
  'branch feature',
  'rm --cached file.txt',
  'rm file.txt',
  'tag v1',
  'worktree add ../wt',
  'worktree remove ../wt',
  'worktree list',
  'reflog',
  'reflog show',
  'gc',
  'revert --abort',
].map((s) => s.split(' '));

export interface ForbiddenPrefix {
  prefix: string[];
  sample: string[];
  ruleId: string;
  reason: string;
  instead?: string;
  /** Allowed calls that share the first word after the subcommand's verb, for `not_match` examples. */
  allowedNeighbours: string[][];
}

export type ArgvDecider = (argv: string[]) => Decision;

/** A pure decider for exports: the policy with neutral facts (an agent session at `root`). */
export function policyDecider(
  policy: CompiledPolicy,
  evaluate: (p: CompiledPolicy, r: GitRequest) => Decision,
  root: string,
): ArgvDecider {
  return (argv) =>
    evaluate(policy, {
      kind: 'git',
      argv,
      env: {},
      cwd: root,
      agent: null,
      facts: {
        aliases: {},
        refs: ['main', 'master', 'feature', 'dev', 'HEAD', 'origin/main'],
        allowedRoots: [root, `${root}/../wt`],
        repoRoot: root,
        agentSession: true,
        leases: [],
        tty: false,
      },
    });
}

const startsWith = (argv: string[], prefix: string[]) =>
  prefix.every((word, i) => argv[i] === word);

export function computeForbiddenPrefixes(decide: ArgvDecider): ForbiddenPrefix[] {
  const allowed = PROBES.filter((probe) => decide(probe).outcome === 'allow');
  const result: ForbiddenPrefix[] = [];
  const seen = new Set<string>();
  for (const candidate of CANDIDATES) {
    const key = candidate.prefix.join(' ');
    if (seen.has(key)) continue;
    const decision = decide(candidate.sample);
    if (decision.outcome !== 'deny') continue;
    if (allowed.some((probe) => startsWith(probe, candidate.prefix))) continue;
    // The prefix alone must be denied too when it is a complete call (`reset --hard`).
    const primary = decision.matches.find((m) => m.outcome === 'deny');
    if (!primary) continue;
    seen.add(key);
    const entry: ForbiddenPrefix = {
      prefix: candidate.prefix,
      sample: candidate.sample,
      ruleId: primary.ruleId,
      reason: primary.reason,
      allowedNeighbours: allowed.filter((probe) => probe[0] === candidate.prefix[0]).slice(0, 3),
    };
    if (primary.instead !== undefined) entry.instead = primary.instead;
    result.push(entry);
  }
  return result;
}

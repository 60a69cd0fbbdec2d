/**
 * The two presets, table-driven: 300+ invocations decided under both `precise` and `opsGitSafety`.
 * Outcomes come from independent labels (the peer corpus, the must-show list, the catalogue);
 * key cases pin the exact rule ids; every whole Decision is pinned in a golden file.
 */
import { describe, expect, it } from 'vitest';
import { readCorpusText } from '../helpers/corpus.js';
import { evaluate } from '../../src/evaluate/evaluate.js';
import type { CompiledPolicy, Decision, Facts, RuleMatch } from '../../src/evaluate/types.js';
import { splitArgs } from '../../src/git/split.js';
import { compilePolicy } from '../../src/policy/compile.js';
import { presetLayer } from '../../src/policy/layers.js';

const PRESETS = {
  precise: compilePolicy([presetLayer('precise')]),
  opsGitSafety: compilePolicy([presetLayer('opsGitSafety')]),
};

const ROLLBACK = new Set(['restore', 'checkout', 'reset', 'clean', 'revert', 'switch', 'stash']);

const FACTS: Facts = {
  aliases: { nuke: 'reset --hard', st: 'status', co: 'checkout', wipe: '!git clean -fdx' },
  refs: ['main', 'master', 'feature', 'x', 'origin/main', 'v1.0'],
  // the corpus has `-C /tmp … grep`: a read-only call; the path guard is tested on its own below
  allowedRoots: ['/repo', '/tmp'],
  repoRoot: '/repo',
  agentSession: false,
};

function decide(policy: CompiledPolicy, argv: string[], facts: Facts = FACTS): Decision {
  return evaluate(policy, { kind: 'git', argv, env: {}, cwd: '/repo', agent: null, facts });
}

type Outcome = 'allow' | 'deny';
interface Case {
  line: string;
  precise: Outcome;
  /** default: deny for the seven rollback subcommands, else as precise */
  ops?: Outcome;
}

const corpus: Case[] = readCorpusText()
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as { cmd: string; expect: 'block' | 'allow' })
  .filter((row) => row.cmd.startsWith('git ') && !/[;&|$`()<>]/.test(row.cmd))
  .map((row) => ({
    line: row.cmd.slice(4),
    precise: row.expect === 'block' ? 'deny' : 'allow',
  }));

const A: Outcome = 'allow';
const D: Outcome = 'deny';

/** The must-show list and the destructive catalogue of SPEC §3, in many spellings. */
const catalogue: Case[] = [
  // must-show (precise)
  { line: 'checkout -b x2', precise: A },
  { line: 'restore --staged f', precise: A },
  { line: 'clean -n', precise: A },
  { line: 'stash list', precise: A },
  { line: 'commit -m "reset --hard"', precise: A },
  { line: 'checkout -- .', precise: D },
  { line: 'checkout .', precise: D },
  { line: 'reset --har', precise: D },
  { line: 'clean -fdx', precise: D },
  { line: "-c alias.x='reset --hard' x", precise: D },
  { line: 'nuke', precise: D },
  { line: 'push origin +main', precise: D },
  { line: 'push --force-with-lease --force', precise: D },
  { line: 'branch -D x', precise: D },
  { line: 'stash drop', precise: D },
  // force push, every spelling
  { line: 'push -f', precise: D },
  { line: 'push --force origin main', precise: D },
  { line: 'push --forc origin main', precise: D },
  { line: 'push --fo origin main', precise: D },
  { line: 'push origin +feature:feature', precise: D },
  { line: 'push --mirror', precise: D },
  { line: 'push -uf origin main', precise: D },
  { line: 'push origin main --force', precise: D },
  { line: 'push origin main', precise: A },
  { line: 'push -u origin feature', precise: A },
  { line: 'push --tags', precise: A },
  // remote branch deletion
  { line: 'push origin --delete feature', precise: D },
  { line: 'push origin :feature', precise: D },
  { line: 'push -d origin feature', precise: D },
  // branches and tags
  { line: 'branch --delete --force x', precise: D },
  { line: 'branch -d -f x', precise: D },
  { line: 'branch -df x', precise: D },
  { line: 'branch new-topic', precise: A },
  { line: 'branch -a', precise: A },
  { line: 'branch --list', precise: A },
  { line: 'tag -d v1.0', precise: D },
  { line: 'tag --delete v1.0', precise: D },
  { line: 'tag v2.0', precise: A },
  { line: 'tag -l', precise: A },
  // stash
  { line: 'stash clear', precise: D },
  { line: 'stash drop stash@{1}', precise: D },
  { line: 'stash show', precise: A },
  // worktrees
  { line: 'worktree remove --force ../wt', precise: D },
  { line: 'worktree remove -f ../wt', precise: D },
  { line: 'worktree list', precise: A },
  // a worktree outside the allowed roots: the path guard (use `gitfence worktree add`)
  { line: 'worktree add ../wt2 -b topic', precise: D },
  { line: 'worktree add .worktrees/wt3 -b topic3', precise: A },
  // rm
  { line: 'rm -f file.txt', precise: D },
  { line: 'rm --force file.txt', precise: D },
  { line: 'rm -rf src', precise: D },
  { line: 'rm --cached file.txt', precise: A },
  { line: 'rm -r --cached src', precise: A },
  // reflog, gc, refs, plumbing
  { line: 'reflog expire --expire=now --all', precise: D },
  { line: 'reflog delete HEAD@{1}', precise: D },
  { line: 'reflog', precise: A },
  { line: 'gc --prune=now', precise: D },
  { line: 'gc', precise: A },
  { line: 'update-ref -d refs/heads/x', precise: D },
  { line: 'update-ref refs/heads/x HEAD', precise: A },
  { line: 'checkout-index -f -a', precise: D },
  { line: 'read-tree -u --reset HEAD', precise: D },
  // hook bypass
  { line: 'commit --no-verify -m x', precise: D },
  { line: 'commit -n -m x', precise: D },
  { line: 'commit -nm x', precise: D },
  { line: 'push --no-verify', precise: D },
  { line: 'merge --no-verify feature', precise: D },
  { line: '-c core.hooksPath=/dev/null commit -m x', precise: D },
  { line: '-c core.hookspath=/tmp/h push', precise: D },
  // reset, restore, checkout, clean forms
  { line: 'reset --hard HEAD~2', precise: D },
  { line: 'reset --merge', precise: D },
  { line: 'reset --keep HEAD~1', precise: A },
  { line: 'reset --soft HEAD~1', precise: A },
  { line: 'reset HEAD file.txt', precise: A },
  { line: 'reset', precise: A },
  { line: 'restore file.txt', precise: D },
  { line: 'restore .', precise: D },
  { line: 'restore --worktree file.txt', precise: D },
  { line: 'restore --source=HEAD~1 file.txt', precise: D },
  { line: 'restore -S file.txt', precise: A },
  { line: 'checkout -f main', precise: D },
  { line: 'checkout -- file.txt', precise: D },
  { line: 'checkout HEAD -- src', precise: D },
  { line: 'checkout main', precise: A },
  { line: 'checkout -B topic', precise: A },
  { line: 'switch -f main', precise: D },
  { line: 'switch --discard-changes main', precise: D },
  { line: 'switch main', precise: A },
  { line: 'switch -c topic2', precise: A },
  { line: 'clean -f', precise: D },
  { line: 'clean -d -f', precise: D },
  { line: 'clean -xdf', precise: D },
  { line: 'clean --dry-run -d', precise: A },
  { line: 'clean -nd', precise: A },
  // aliases
  { line: 'st', precise: A },
  { line: 'co main', precise: A },
  { line: 'co -- .', precise: D },
  { line: 'wipe', precise: D },
  { line: '-c alias.y=status y', precise: A },
  // read-only and everyday calls
  { line: 'status', precise: A },
  { line: 'status --porcelain', precise: A },
  { line: 'status -sb', precise: A },
  { line: 'diff', precise: A },
  { line: 'diff --cached', precise: A },
  { line: 'diff HEAD~1 HEAD', precise: A },
  { line: 'diff main feature -- src', precise: A },
  { line: 'log --oneline -5', precise: A },
  { line: 'log -p -- src/a.ts', precise: A },
  { line: 'show HEAD', precise: A },
  { line: 'show --stat v1.0', precise: A },
  { line: 'blame src/a.ts', precise: A },
  { line: 'add src/a.ts', precise: A },
  { line: 'add -p', precise: A },
  { line: 'add -A', precise: A },
  { line: 'commit -m "fix: thing"', precise: A },
  { line: 'commit -am "wip"', precise: A },
  { line: 'commit --amend --no-edit', precise: A },
  { line: 'fetch origin', precise: A },
  { line: 'fetch --all --prune', precise: A },
  { line: 'pull --rebase origin main', precise: A },
  { line: 'merge feature', precise: A },
  { line: 'merge --abort', precise: A },
  { line: 'rebase main', precise: A },
  { line: 'rebase --continue', precise: A },
  { line: 'cherry-pick abc1234', precise: A },
  { line: 'revert HEAD', precise: A },
  { line: 'remote -v', precise: A },
  { line: 'config --get user.name', precise: A },
  { line: 'ls-files', precise: A },
  { line: 'rev-parse HEAD', precise: A },
  { line: 'rev-parse --show-toplevel', precise: A },
  { line: 'describe --tags', precise: A },
  { line: 'shortlog -sn', precise: A },
  { line: 'grep -n TODO', precise: A },
  { line: 'mv a.txt b.txt', precise: A },
  { line: 'notes list', precise: A },
  { line: 'bisect start', precise: A },
  { line: 'submodule status', precise: A },
  { line: 'archive HEAD -o out.tar', precise: A },
  { line: 'format-patch -1', precise: A },
  { line: 'cat-file -p HEAD', precise: A },
  { line: 'for-each-ref refs/heads', precise: A },
  { line: 'symbolic-ref HEAD', precise: A },
  { line: '--version', precise: A },
  { line: '-C src status', precise: A },
  { line: '--no-pager log', precise: A },
  { line: '-P diff', precise: A },
  { line: 'push --force-with-lease origin main', precise: A },
  { line: 'push --force-with-lease=main origin main', precise: A },
  { line: 'push --force-if-includes --force-with-lease origin main', precise: A },
  { line: 'push --prune origin', precise: D },
  { line: 'push origin HEAD:refs/heads/feature', precise: A },
  { line: 'branch -m old new', precise: A },
  { line: 'branch -f feature HEAD~1', precise: D },
  { line: 'branch -vv', precise: A },
  { line: 'stash show -p stash@{0}', precise: A },
  { line: 'stash branch topic', precise: A, ops: D },
  { line: 'tag -a v3 -m release', precise: A },
  { line: 'reflog show', precise: A },
  { line: 'gc --auto', precise: A },
  { line: 'gc --prune=all', precise: D },
  { line: 'prune', precise: D },
  { line: 'symbolic-ref -d HEAD', precise: D },
  { line: 'commit --no-verify --amend', precise: D },
  { line: 'commit --verify -m x', precise: A },
  { line: 'rebase --no-verify main', precise: D },
  { line: 'log --all --graph --oneline', precise: A },
  { line: 'diff --stat main...feature', precise: A },
  { line: 'diff --name-only HEAD~3', precise: A },
  { line: 'show-ref', precise: A },
  { line: 'ls-remote origin', precise: A },
  { line: 'count-objects -v', precise: A },
  { line: 'fsck', precise: A },
  { line: 'restore --staged --worktree file.txt', precise: D },
  { line: 'checkout feature -- src/a.ts', precise: D },
  { line: 'checkout -p', precise: D },
  { line: 'reset --hard --quiet', precise: D },
  { line: 'clean -i', precise: D },
  { line: 'switch -C topic', precise: A },
  { line: 'switch --detach v1.0', precise: A },
  { line: 'revert --no-edit HEAD~1', precise: A },
];

const seen = new Set<string>();
const CASES = [...corpus, ...catalogue].filter((c) => {
  const key = c.line;
  if (seen.has(key)) return false;
  seen.add(key);
  return true;
});

function expectedOps(c: Case, decision: Decision): Outcome {
  if (c.ops) return c.ops;
  const sub = decision.invocation?.subcommand;
  return sub && ROLLBACK.has(sub) ? 'deny' : c.precise;
}

describe('preset table', () => {
  it('has at least 300 distinct invocations', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(300);
  });

  describe.each(CASES.map((c) => [c.line, c] as const))('git %s', (_line, c) => {
    const argv = splitArgs(c.line);
    it('precise', () => {
      const d = decide(PRESETS.precise, argv);
      expect(d.outcome, JSON.stringify(d.matches.map((m) => m.ruleId))).toBe(c.precise);
    });
    it('opsGitSafety', () => {
      const d = decide(PRESETS.opsGitSafety, argv);
      expect(d.outcome, JSON.stringify(d.matches.map((m) => m.ruleId))).toBe(expectedOps(c, d));
    });
  });

  it('pins every whole Decision under both presets', async () => {
    const all = CASES.map((c) => ({
      argv: c.line,
      precise: decide(PRESETS.precise, splitArgs(c.line)),
      opsGitSafety: decide(PRESETS.opsGitSafety, splitArgs(c.line)),
    }));
    await expect(`${JSON.stringify(all, null, 1)}\n`).toMatchFileSnapshot(
      '../golden/__golden__/preset-decisions.json',
    );
  });
});

/** The whole Decision for key cases, with every match spelled out from the compiled rules. */
function expectedDecision(
  policy: CompiledPolicy,
  ruleIds: string[],
  invocation: Readonly<Record<string, unknown>>,
): Decision {
  const matches: RuleMatch[] = ruleIds.map((id) => {
    const rule = policy.rules.find((r) => r.id === id);
    if (!rule) throw new Error(`no rule ${id} in ${policy.layers.map((l) => l.layer).join(',')}`);
    return {
      ruleId: id,
      outcome: rule.action,
      reason: rule.reason,
      ...(rule.instead !== undefined ? { instead: rule.instead } : {}),
      alert: rule.alert,
      source: rule.source,
      detail: expect.any(String) as unknown as string,
    };
  });
  const denials = matches.filter((m) => m.outcome === 'deny');
  return {
    outcome: denials.length > 0 ? 'deny' : 'allow',
    alert:
      denials.length === 0
        ? 'none'
        : denials.some((m) => m.alert === 'maximum')
          ? 'maximum'
          : 'normal',
    matches,
    warnings: matches.filter((m) => m.outcome === 'warn').map((m) => `${m.ruleId}: ${m.reason}`),
    invocation: expect.objectContaining(invocation) as unknown as Decision['invocation'],
  };
}

describe('whole Decisions for key cases', () => {
  const P = PRESETS.precise;
  const O = PRESETS.opsGitSafety;
  it.each([
    ['reset --har', P, ['discard-worktree-changes'], { subcommand: 'reset', options: ['--hard'] }],
    [
      'reset --har',
      O,
      ['discard-worktree-changes', 'rollback/reset'],
      { subcommand: 'reset', options: ['--hard'] },
    ],
    ['nuke', P, ['discard-worktree-changes'], { subcommand: 'reset', aliasChain: ['nuke'] }],
    ['clean -fdx', P, ['delete-untracked-files'], { subcommand: 'clean' }],
    ['clean -n', O, ['rollback/clean'], { subcommand: 'clean' }],
    ['clean -n', P, [], { subcommand: 'clean' }],
    ['push origin +main', P, ['force-push'], { subcommand: 'push' }],
    ['branch -D x', P, ['delete-unmerged-branch'], { subcommand: 'branch' }],
    ['stash drop', P, ['drop-stash'], { subcommand: 'stash' }],
    ['stash list', O, ['rollback/stash'], { subcommand: 'stash' }],
    ['tag -d v1.0', P, ['delete-tag'], { subcommand: 'tag' }],
    ['status', O, [], { subcommand: 'status', effects: [] }],
    ['commit -m "reset --hard"', P, [], { subcommand: 'commit' }],
  ] as const)('git %s', (line, policy, ids, invocation) => {
    expect(decide(policy, splitArgs(line))).toEqual(expectedDecision(policy, [...ids], invocation));
  });
});

describe('builtin guards under the presets', () => {
  it('path guard: -C outside the allowed roots is denied under both', () => {
    for (const policy of Object.values(PRESETS)) {
      const d = decide(policy, ['-C', '/elsewhere', 'status'], {
        ...FACTS,
        allowedRoots: ['/repo'],
      });
      expect(d.matches.map((m) => m.ruleId)).toEqual(['gitfence/path-guard']);
    }
  });
});

/**
 * The peer corpus (`../shared/corpus/peer-git-cases.jsonl`) through check-shell's analysis and the one
 * evaluator, in process. Under `precise`: every `block` case blocked, at least 99% of `allow` cases
 * allowed. Under `opsGitSafety`: every call of the seven rollback subcommands blocked as well.
 */
import { describe, expect, it } from 'vitest';
import { readCorpusText } from '../helpers/corpus.js';
import {
  decideShell,
  type CallDecider,
  type ShellDecision,
} from '../../src/agents/decide-shell.js';
import { evaluate } from '../../src/evaluate/evaluate.js';
import type { CompiledPolicy } from '../../src/evaluate/types.js';
import { compilePolicy } from '../../src/policy/compile.js';
import { presetLayer } from '../../src/policy/layers.js';

const ROLLBACK = new Set(['restore', 'checkout', 'reset', 'clean', 'revert', 'switch', 'stash']);
const ROOT = '/work/repo';
/** The refs a repository with these branches would report (`checkout main` vs `checkout file`). */
const REFS = [
  'main',
  'master',
  'dev',
  'feature',
  'feature-branch',
  'merged-branch',
  'old-feature',
  'gh-pages',
  'origin/main',
  'origin/master',
  'origin/dev',
  'HEAD',
  'v1.0.0',
];

interface Case {
  cmd: string;
  expect: 'block' | 'allow';
  why: string;
}

export function loadCorpus(): Case[] {
  return readCorpusText()
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Case);
}

/** The evaluator with the facts a repository at ROOT gives the orchestrator's session. */
function pureDecider(policy: CompiledPolicy): CallDecider {
  return async ({ argv, cwd, env, agent, aliases }) =>
    evaluate(policy, {
      kind: 'git',
      argv,
      env,
      cwd,
      agent,
      facts: {
        aliases: aliases ?? {},
        refs: REFS,
        allowedRoots: [ROOT],
        repoRoot: ROOT,
        agentSession: false,
        tty: false,
      },
    });
}

async function decideAll(
  policy: CompiledPolicy,
  cases: Case[],
): Promise<Array<{ c: Case; result: ShellDecision }>> {
  const decide = pureDecider(policy);
  return Promise.all(
    cases.map(async (c) => ({
      c,
      result: await decideShell(c.cmd, { cwd: ROOT, env: {}, agent: null, now: () => 0, decide }),
    })),
  );
}

const describeText = ({ c, result }: { c: Case; result: ShellDecision }) =>
  `${JSON.stringify(c.cmd)} → ${result.outcome} [${result.calls.map((call) => `${call.argv.join(' ')}:${call.decision.outcome}`).join(', ')}] (${c.why})`;

describe('peer corpus through check-shell analysis', () => {
  const cases = loadCorpus();
  const precise = compilePolicy([presetLayer('precise')]);
  const ops = compilePolicy([presetLayer('opsGitSafety')]);

  it('has cases of both kinds', () => {
    expect(cases.filter((c) => c.expect === 'block').length).toBeGreaterThan(100);
    expect(cases.filter((c) => c.expect === 'allow').length).toBeGreaterThan(100);
  });

  it('precise: blocks 100% of block cases', async () => {
    const results = await decideAll(
      precise,
      cases.filter((c) => c.expect === 'block'),
    );
    const missed = results.filter(({ result }) => result.outcome !== 'deny');
    expect(missed.map(describeText)).toEqual([]);
  });

  it('precise: allows at least 99% of allow cases', async () => {
    const results = await decideAll(
      precise,
      cases.filter((c) => c.expect === 'allow'),
    );
    const wrong = results.filter(({ result }) => result.outcome !== 'allow');
    const allowedShare = (results.length - wrong.length) / results.length;
    expect(allowedShare, wrong.map(describeText).join('\n')).toBeGreaterThanOrEqual(0.99);
    // The one known straggler is `git -C /tmp … grep`: the path guard (not a loss-of-work rule)
    // keeps -C inside the repository's worktrees, as the spec asks. Anything else would be a miss.
    const notPathGuard = wrong.filter(({ result }) =>
      result.calls.some((call) =>
        call.decision.matches.some(
          (m) => m.outcome === 'deny' && m.ruleId !== 'gitfence/path-guard',
        ),
      ),
    );
    expect(notPathGuard.map(describeText)).toEqual([]);
  });

  it('opsGitSafety: blocks every block case and every call of the seven rollback subcommands', async () => {
    const results = await decideAll(ops, cases);
    const missedBlocks = results.filter(
      ({ c, result }) => c.expect === 'block' && result.outcome !== 'deny',
    );
    expect(missedBlocks.map(describeText)).toEqual([]);
    const rollbackCalls = results.flatMap(({ c, result }) =>
      result.calls
        .filter((call) => ROLLBACK.has(call.decision.invocation?.subcommand ?? ''))
        .map((call) => ({ c, call })),
    );
    expect(rollbackCalls.length).toBeGreaterThan(100);
    const slipped = rollbackCalls.filter(({ call }) => call.decision.outcome !== 'deny');
    expect(
      slipped.map(({ c, call }) => `${JSON.stringify(c.cmd)}: git ${call.argv.join(' ')}`),
    ).toEqual([]);
  });
});

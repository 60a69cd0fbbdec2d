/** Golden files of everything gitfence prints about a decision. Update with `npx vitest run -u`. */
import { describe, expect, it } from 'vitest';
import { evaluateInvocation } from '../../src/evaluate/git-invocation.js';
import { failClosedDecision } from '../../src/evaluate/decision.js';
import type { Decision } from '../../src/evaluate/types.js';
import { BELL, renderAlert } from '../../src/render/alert.js';
import { renderCheck } from '../../src/render/check.js';
import { colorEnabled } from '../../src/render/color.js';
import { renderDenialLine } from '../../src/render/denial.js';
import { renderExplain } from '../../src/render/explain.js';
import { invocation, option, policy, request, rule } from '../unit/evaluate-fixtures.js';

const checkoutPolicy = policy({
  layers: [{ layer: 'preset:opsGitSafety', name: 'opsGitSafety' }],
  rules: [
    rule(
      'ops/no-checkout',
      { subcommand: 'checkout' },
      {
        alert: 'maximum',
        reason:
          'checkout can overwrite uncommitted changes in files other agents are editing; they cannot be recovered',
        instead:
          'create a branch with `git switch -c <name>` in your own worktree, or ask the orchestrator',
        source: { layer: 'preset:opsGitSafety', path: 'git.blockedSubcommands.checkout' },
      },
    ),
    rule(
      'ops/discard-worktree',
      { effect: 'discard-worktree-changes' },
      {
        reason: 'discards uncommitted work in the shared working tree',
        source: { layer: 'preset:opsGitSafety', path: 'rules[0]' },
      },
    ),
    rule(
      'warn-dot',
      { operand: '^\\.$' },
      { action: 'warn', reason: 'a dot pathspec touches the whole tree' },
    ),
  ],
});

const checkoutDot = invocation({
  raw: ['checkout', '--', '.'],
  subcommand: 'checkout',
  typed: 'checkout',
  pathspecs: ['.'],
  doubleDash: true,
  effects: ['discard-worktree-changes'],
});

const resetPolicy = policy({
  rules: [
    rule(
      'no-hard-reset',
      { subcommand: 'reset', anyOption: ['--hard'] },
      {
        reason: 'reset --hard throws away uncommitted changes of every agent in this tree',
        instead: 'commit or save-patch your own work; leave resets to the orchestrator',
      },
    ),
  ],
});

const nuke = invocation({
  raw: ['nuke'],
  typed: 'nuke',
  subcommand: 'reset',
  aliasChain: ['nuke'],
  options: [option('--hard', '--har')],
  effects: ['discard-worktree-changes'],
});

function decide(
  inv = checkoutDot,
  p = checkoutPolicy,
  agent: string | null = 'claude-1',
): Decision {
  return evaluateInvocation(p, {
    invocation: inv,
    normalize: (i) => ['git', ...i.raw].join(' '),
    request: request([...inv.raw], { agent }),
  });
}

const normal = decide(nuke, resetPolicy);
const maximum = decide();
const allowed = decide(
  invocation({ raw: ['status'], subcommand: 'status', typed: 'status' }),
  resetPolicy,
  null,
);
const noScope = decide(
  invocation({ raw: ['status'], subcommand: 'status', typed: 'status' }),
  resetPolicy,
);
const scoped = evaluateInvocation(resetPolicy, {
  invocation: invocation({ raw: ['status'], subcommand: 'status', typed: 'status' }),
  normalize: (i) => ['git', ...i.raw].join(' '),
  request: request(['status'], {
    agent: 'a',
    facts: {
      leases: [
        { id: 'l1', owner: 'a', patterns: ['src/a/**'], exclusive: true, token: 1, expiresAt: 0 },
      ],
    },
  }),
});
const notCompiled = failClosedDecision(
  'gitfence/policy-not-compiled',
  'no compiled policy (/repo/.git/gitfence/policy.json): gitfence denies every git call until the policy is compiled',
  'run `gitfence compile` in the repository (or `gitfence init` to set it up)',
);

describe('denial line', () => {
  it('is one line naming the rule, what it protects and what to do', async () => {
    const lines = [normal, maximum, notCompiled, noScope, allowed].map(renderDenialLine).join('\n');
    for (const line of lines.split('\n'))
      expect(line).toMatch(/^gitfence: (denied \S+: .+ — .+|allowed)$/);
    await expect(`${lines}\n`).toMatchFileSnapshot('__golden__/denial-lines.txt');
  });
});

describe('alert banner', () => {
  it('normal: a framed box with one bell, fits one screen', async () => {
    const text = renderAlert(normal, { color: false, command: 'git nuke' });
    expect(text.split(BELL).length - 1).toBe(1);
    await expect(`${text}\n`).toMatchFileSnapshot('__golden__/alert-normal.txt');
  });

  it('maximum: unmistakably louder (STOP, three bells), fits one screen', async () => {
    const text = renderAlert(maximum, { color: false, command: 'git checkout -- .' });
    expect(text.split(BELL).length - 1).toBe(3);
    expect(text).toContain('MAXIMUM ALERT');
    expect(text).toContain('ops/no-checkout');
    await expect(`${text}\n`).toMatchFileSnapshot('__golden__/alert-maximum.txt');
  });

  it.each([
    ['normal', normal],
    ['maximum', maximum],
  ])('%s stays within 80 columns and 24 lines', (_name, decision) => {
    const lines = renderAlert(decision, { color: false, command: 'git x' }).split('\n');
    expect(lines.length).toBeLessThanOrEqual(24);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('colours only when asked', () => {
    expect(renderAlert(maximum, { color: true })).toContain('\x1b[');
    expect(renderAlert(maximum, { color: false })).not.toContain('\x1b[');
  });
});

describe('colour decision', () => {
  it.each([
    [{ NO_COLOR: '1', FORCE_COLOR: '1' }, true, false],
    [{ FORCE_COLOR: '1' }, false, true],
    [{ FORCE_COLOR: '0' }, true, false],
    [{}, true, true],
    [{}, false, false],
  ])('%j tty=%s → %s', (env, tty, expected) => {
    expect(colorEnabled(env, tty)).toBe(expected);
  });
});

describe('check and explain output', () => {
  it('check', async () => {
    const text = [
      renderCheck(allowed, ['status']),
      renderCheck(scoped, ['status']),
      renderCheck(normal, ['nuke']),
      renderCheck(maximum, ['checkout', '--', '.']),
      renderCheck(notCompiled, ['status']),
    ].join('\n\n');
    await expect(`${text}\n`).toMatchFileSnapshot('__golden__/check.txt');
  });

  it('explain', async () => {
    const text = [
      renderExplain({
        argv: ['nuke'],
        agent: 'claude-1',
        invocation: nuke,
        decision: normal,
        policy: resetPolicy,
        policyFile: '/repo/.git/gitfence/policy.json',
      }),
      renderExplain({
        argv: ['checkout', '--', '.'],
        agent: null,
        invocation: checkoutDot,
        decision: maximum,
        policy: checkoutPolicy,
      }),
      renderExplain({
        argv: ['status'],
        agent: null,
        invocation: null,
        decision: notCompiled,
        policy: null,
      }),
    ].join('\n\n----\n\n');
    await expect(`${text}\n`).toMatchFileSnapshot('__golden__/explain.txt');
  });
});

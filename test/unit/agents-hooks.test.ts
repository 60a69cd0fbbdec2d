import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CliContext } from '../../src/cli/context.js';
import { runAgentHook, type HookAdapter } from '../../src/agents/hook-runner.js';
import type { CallDecider } from '../../src/agents/decide-shell.js';
import type { Decision } from '../../src/evaluate/types.js';
import { claudeCodeAdapter } from '../../src/hooks/claude-code.js';
import { geminiAdapter } from '../../src/hooks/gemini.js';

const denyDecision = (ruleId: string): Decision => ({
  outcome: 'deny',
  matches: [
    {
      ruleId,
      outcome: 'deny',
      reason: 'loses work',
      instead: 'commit first',
      alert: 'normal',
      source: { layer: 'preset:test', path: 'rules[0]' },
    },
  ],
  warnings: [],
  alert: 'normal',
});
const allowDecision: Decision = { outcome: 'allow', matches: [], warnings: [], alert: 'none' };

/** Denies `reset --hard` and `checkout -- …`, allows the rest: enough to test the adapters. */
const fakeDecider: CallDecider = async ({ argv }) =>
  argv.includes('--hard') || (argv[0] === 'checkout' && argv.includes('--'))
    ? denyDecision('test/no-discard')
    : allowDecision;

function harness(stdin: string, env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const context: CliContext = {
    args: [],
    env,
    cwd: process.cwd(),
    stdout: { write: (chunk: string) => out.push(chunk) },
    stderr: { write: (chunk: string) => err.push(chunk) },
    stdin: Readable.from([Buffer.from(stdin)]) as CliContext['stdin'],
    now: () => 0,
  };
  return { context, out: () => out.join(''), err: () => err.join('') };
}

async function runHook(adapter: HookAdapter, input: unknown, decider: CallDecider = fakeDecider) {
  const h = harness(typeof input === 'string' ? input : JSON.stringify(input));
  const result = await runAgentHook(h.context, adapter, { loadDecider: async () => decider });
  return { result, stdout: h.out(), stderr: h.err() };
}

const claudeInput = (command: string) => ({
  session_id: 's',
  transcript_path: '/tmp/t.jsonl',
  cwd: process.cwd(),
  hook_event_name: 'PreToolUse',
  tool_name: 'Bash',
  tool_input: { command, description: 'x' },
});

describe('gitfence hook claude-code', () => {
  it('denies `git checkout -- .` with the documented PreToolUse output and exit 2', async () => {
    const { result, stdout, stderr } = await runHook(
      claudeCodeAdapter,
      claudeInput('git checkout -- .'),
    );
    expect(result).toEqual({ passthrough: 2 });
    const output = JSON.parse(stdout) as { hookSpecificOutput: Record<string, string> };
    expect(output.hookSpecificOutput.hookEventName).toBe('PreToolUse');
    expect(output.hookSpecificOutput.permissionDecision).toBe('deny');
    expect(output.hookSpecificOutput.permissionDecisionReason).toMatch(
      /test\/no-discard.*git checkout -- \./,
    );
    expect(stderr).toMatch(/test\/no-discard/);
  });

  it('finds the call inside wrappers', async () => {
    const { result } = await runHook(
      claudeCodeAdapter,
      claudeInput("sudo bash -c 'git reset --hard'"),
    );
    expect(result).toEqual({ passthrough: 2 });
  });

  it('passes allowed and non-git commands silently, never with an explicit allow', async () => {
    for (const command of ['git status', 'ls -la', 'echo git reset --hard']) {
      const { result, stdout } = await runHook(claudeCodeAdapter, claudeInput(command));
      expect(result).toBe('ok');
      expect(stdout).toBe('');
    }
  });

  it('passes other tools', async () => {
    const { result, stdout } = await runHook(claudeCodeAdapter, {
      tool_name: 'Read',
      tool_input: {},
    });
    expect(result).toBe('ok');
    expect(stdout).toBe('');
  });

  it.each([
    ['malformed JSON', '{not json'],
    ['empty input', ''],
    ['an array', '[]'],
    ['no tool_name', { tool_input: { command: 'ls' } }],
    ['no command', { tool_name: 'Bash', tool_input: {} }],
    ['a non-string command', { tool_name: 'Bash', tool_input: { command: 42 } }],
  ])('denies %s (never exit 1)', async (_label, input) => {
    const { result, stdout } = await runHook(claudeCodeAdapter, input);
    expect(result).toEqual({ passthrough: 2 });
    expect(JSON.parse(stdout).hookSpecificOutput.permissionDecision).toBe('deny');
  });

  it('denies when the decider throws', async () => {
    const { result, stdout } = await runHook(
      claudeCodeAdapter,
      claudeInput('git status'),
      async () => {
        throw new Error('boom');
      },
    );
    expect(result).toEqual({ passthrough: 2 });
    expect(JSON.parse(stdout).hookSpecificOutput.permissionDecisionReason).toMatch(
      /internal error.*boom/,
    );
  });

  it('denies an unparseable git command', async () => {
    const { result, stdout } = await runHook(claudeCodeAdapter, claudeInput('git reset "--hard'));
    expect(result).toEqual({ passthrough: 2 });
    expect(stdout).toMatch(/gitfence\/unparseable/);
  });

  it('denies a git command in a working directory that does not exist', async () => {
    const { result } = await runHook(claudeCodeAdapter, {
      ...claudeInput('git status'),
      cwd: '/nonexistent/x',
    });
    expect(result).toEqual({ passthrough: 2 });
  });
});

describe('gitfence hook gemini', () => {
  const geminiInput = (command: string, extra: Record<string, unknown> = {}) => ({
    session_id: 's',
    cwd: process.cwd(),
    hook_event_name: 'BeforeTool',
    timestamp: '2026-01-01T00:00:00Z',
    tool_name: 'run_shell_command',
    tool_input: { command, ...extra },
  });

  it('denies with {"decision":"deny","reason":…} and exit 2', async () => {
    const { result, stdout } = await runHook(geminiAdapter, geminiInput('env -i git reset --hard'));
    expect(result).toEqual({ passthrough: 2 });
    const output = JSON.parse(stdout) as { decision: string; reason: string };
    expect(output.decision).toBe('deny');
    expect(output.reason).toMatch(/test\/no-discard/);
  });

  it('prints {} for allowed commands and other tools', async () => {
    expect((await runHook(geminiAdapter, geminiInput('git status'))).stdout).toBe('{}\n');
    expect((await runHook(geminiAdapter, { tool_name: 'read_file', tool_input: {} })).stdout).toBe(
      '{}\n',
    );
  });

  it('runs the command in tool_input.dir_path', async () => {
    let seen = '';
    await runHook(
      geminiAdapter,
      geminiInput('git status', { dir_path: 'test' }),
      async ({ cwd }) => {
        seen = cwd;
        return allowDecision;
      },
    );
    expect(seen).toBe(`${process.cwd()}/test`);
  });

  it('denies malformed input', async () => {
    const { result, stdout } = await runHook(geminiAdapter, 'nope');
    expect(result).toEqual({ passthrough: 2 });
    expect(JSON.parse(stdout).decision).toBe('deny');
  });
});

describe('the dedicated hook entry', () => {
  it('runs a hook and maps its result to 0 or 2, never 1', async () => {
    const { runAgentHookProcess } = await import('../../src/agents/hook-entry.js');
    const passed = harness(JSON.stringify({ tool_name: 'Read', tool_input: {} }));
    expect(await runAgentHookProcess(['claude-code'], passed.context)).toBe(0);
    const malformed = harness('{');
    expect(await runAgentHookProcess(['gemini'], malformed.context)).toBe(2);
    expect(JSON.parse(malformed.out()).decision).toBe('deny');
    const unknown = harness('{}');
    expect(await runAgentHookProcess(['cursor'], unknown.context)).toBe(2);
    expect(unknown.err()).toMatch(/unknown hook "cursor"/);
  });
});

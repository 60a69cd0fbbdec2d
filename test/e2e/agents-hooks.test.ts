/**
 * The agent hooks as the agent CLIs run them: installed with `gitfence agents install`, the command
 * read back from the settings file and run through `sh -c` with the tool call as JSON on stdin.
 */
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, must, PROJECT_ROOT, type Sandbox } from '../helpers/sandbox.js';

let sandbox: Sandbox;
let repo: string;

beforeAll(() => {
  sandbox = createSandbox();
  repo = sandbox.makeRepo('repo');
  must(sandbox.gitfence(repo, ['compile']));
});
afterAll(() => sandbox.cleanup());

const claudeInput = (command: string, cwd = repo) =>
  JSON.stringify({
    session_id: 'e2e',
    transcript_path: '/dev/null',
    cwd,
    hook_event_name: 'PreToolUse',
    tool_name: 'Bash',
    tool_input: { command, description: 'e2e' },
  });

describe('gitfence hook claude-code (process)', () => {
  it('denies `git checkout -- .` with the documented output', () => {
    const result = sandbox.gitfence(
      repo,
      ['hook', 'claude-code'],
      {},
      claudeInput('git checkout -- .'),
    );
    expect(result.code).toBe(2);
    const output = JSON.parse(result.stdout) as { hookSpecificOutput: Record<string, string> };
    expect(output.hookSpecificOutput).toMatchObject({
      hookEventName: 'PreToolUse',
      permissionDecision: 'deny',
    });
    expect(output.hookSpecificOutput.permissionDecisionReason).toMatch(/discard-worktree-changes/);
    expect(result.stderr).toMatch(/discard-worktree-changes/);
  });

  it('denies malformed JSON with exit 2, never 1', () => {
    for (const input of [
      '{"tool_name": "Bash", ',
      '',
      'null',
      '{"tool_name":"Bash","tool_input":{}}',
    ]) {
      const result = sandbox.gitfence(repo, ['hook', 'claude-code'], {}, input);
      expect(result.code).toBe(2);
      expect(JSON.parse(result.stdout).hookSpecificOutput.permissionDecision).toBe('deny');
    }
  });

  it('passes allowed commands silently with exit 0', () => {
    const result = sandbox.gitfence(
      repo,
      ['hook', 'claude-code'],
      {},
      claudeInput('git log --oneline && ls'),
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
  });

  it('fails closed when the compiled policy is missing', () => {
    const bare = sandbox.makeRepo('uncompiled');
    sandbox.write(join(bare, 'gitfence.policy.ts'), 'export default {};\n');
    const result = sandbox.gitfence(
      bare,
      ['hook', 'claude-code'],
      {},
      claudeInput('git log', bare),
    );
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/policy-not-compiled/);
  });
});

describe('gitfence hook gemini (process)', () => {
  it('denies with decision deny and passes others with {}', () => {
    const input = (command: string) =>
      JSON.stringify({
        cwd: repo,
        hook_event_name: 'BeforeTool',
        tool_name: 'run_shell_command',
        tool_input: { command },
      });
    const denied = sandbox.gitfence(
      repo,
      ['hook', 'gemini'],
      {},
      input('command git reset --hard HEAD~1'),
    );
    expect(denied.code).toBe(2);
    expect(JSON.parse(denied.stdout)).toMatchObject({ decision: 'deny' });
    const passed = sandbox.gitfence(repo, ['hook', 'gemini'], {}, input('npm test'));
    expect(passed.code).toBe(0);
    expect(JSON.parse(passed.stdout)).toEqual({});
  });
});

describe('gitfence agents install | uninstall', () => {
  it('installs hooks that block through sh -c, idempotently, and uninstalls exactly them', () => {
    const target = sandbox.makeRepo('installed');
    must(sandbox.gitfence(target, ['compile']));
    mkdirSync(join(target, '.claude'), { recursive: true });
    const userSettings = `${JSON.stringify({ permissions: { allow: ['Bash(npm test:*)'] } }, null, 2)}\n`;
    writeFileSync(join(target, '.claude', 'settings.json'), userSettings);

    must(sandbox.gitfence(target, ['agents', 'install']));
    const settingsFile = join(target, '.claude', 'settings.json');
    const first = readFileSync(settingsFile, 'utf8');
    const settings = JSON.parse(first) as {
      permissions: { allow: string[]; deny: string[] };
      hooks: { PreToolUse: Array<{ matcher: string; hooks: Array<{ command: string }> }> };
    };
    expect(settings.permissions.allow).toEqual(['Bash(npm test:*)']);
    expect(settings.permissions.deny).toContain('Bash(git reset --hard:*)');
    const hookCommand = settings.hooks.PreToolUse[0]!.hooks[0]!.command;
    // the dedicated entry, started with the flags its code cache was trained under
    expect(hookCommand).toMatch(
      / --no-rehash-snapshot '[^']*\/dist\/agent-hook\.cjs' claude-code \|\| exit 2$/,
    );

    const blocked = sandbox.run('sh', ['-c', hookCommand], {
      cwd: target,
      input: claudeInput('sudo git clean -fdx', target),
    });
    expect(blocked.code).toBe(2);
    expect(JSON.parse(blocked.stdout).hookSpecificOutput.permissionDecision).toBe('deny');
    const passed = sandbox.run('sh', ['-c', hookCommand], {
      cwd: target,
      input: claudeInput('git log -1', target),
    });
    expect(passed.code).toBe(0);

    const gemini = JSON.parse(readFileSync(join(target, '.gemini', 'settings.json'), 'utf8'));
    const geminiCommand = gemini.hooks.BeforeTool[0].hooks[0].command as string;
    const geminiBlocked = sandbox.run('sh', ['-c', geminiCommand], {
      cwd: target,
      input: JSON.stringify({
        cwd: target,
        tool_name: 'run_shell_command',
        tool_input: { command: 'git stash drop' },
      }),
    });
    expect(geminiBlocked.code).toBe(2);
    expect(existsSync(join(target, '.gemini', 'policies', 'gitfence.toml'))).toBe(true);
    // The installed Codex rules load in the real Codex CLI (it drops a file that fails to parse).
    const codex = join(PROJECT_ROOT, 'node_modules', '@openai', 'codex', 'bin', 'codex.js');
    const rules = join(target, '.codex', 'rules', 'gitfence.rules');
    const checked = sandbox.run(process.execPath, [
      codex,
      'execpolicy',
      'check',
      '--rules',
      rules,
      'git',
      'reset',
      '--hard',
    ]);
    expect(checked.code, checked.stderr).toBe(0);
    expect(JSON.parse(checked.stdout).decision).toBe('forbidden');

    const again = must(sandbox.gitfence(target, ['agents', 'install']));
    expect(again.stdout).not.toMatch(/written/);
    expect(readFileSync(settingsFile, 'utf8')).toBe(first);

    must(sandbox.gitfence(target, ['agents', 'uninstall']));
    expect(readFileSync(settingsFile, 'utf8')).toBe(userSettings);
    expect(existsSync(join(target, '.gemini'))).toBe(false);
    expect(existsSync(join(target, '.codex'))).toBe(false);
  });

  it('a hook whose gitfence is broken still blocks (exit 2), never exit 1', () => {
    const command = `'${process.execPath}' '${join(sandbox.root, 'missing', 'gitfence.js')}' hook claude-code || exit 2`;
    const result = sandbox.run('sh', ['-c', command], { cwd: repo, input: claudeInput('ls') });
    expect(result.code).toBe(2);
  });

  it('rejects unknown agents with exit 2', () => {
    expect(sandbox.gitfence(repo, ['agents', 'install', '--agents', 'cursor']).code).toBe(2);
    expect(sandbox.gitfence(repo, ['agents']).code).toBe(2);
  });
});

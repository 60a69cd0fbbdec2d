import { mkdtempSync, readFileSync, existsSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AGENT_FILES,
  installAgents,
  mergeClaudeSettings,
  parseAgentList,
  removeClaudeSettings,
  uninstallAgents,
  type InstallInput,
} from '../../src/agents/install.js';
import { hookCommandFor } from '../../src/agents/install-edge.js';
import { GitfenceError } from '../../src/errors.js';

let root: string;
let input: InstallInput;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'gitfence-agents-'));
  mkdirSync(join(root, '.git', 'gitfence'), { recursive: true });
  input = {
    root,
    manifestFile: join(root, '.git', 'gitfence', 'agents.json'),
    hookCommand: (hook) => hookCommandFor('/usr/bin/node', '/opt/gitfence/bin/gitfence.js', hook),
    claudeDeny: ['Bash(git reset --hard:*)', 'Bash(git clean -f:*)'],
    geminiPolicy:
      '[[rule]]\ntoolName = "run_shell_command"\ncommandPrefix = ["git reset --hard"]\ndecision = "deny"\npriority = 900\n',
    codexRules: 'prefix_rule(pattern = ["git", "reset", "--hard"], decision = "forbidden")\n',
  };
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const read = (relative: string) => readFileSync(join(root, relative), 'utf8');
const snapshot = () =>
  Object.fromEntries(
    Object.values(AGENT_FILES)
      .filter((f) => existsSync(join(root, f)))
      .map((f) => [f, read(f)]),
  );

describe('agent installers', () => {
  it('parses agent lists and rejects unknown names', () => {
    expect(parseAgentList('claude,gemini')).toEqual(['claude', 'gemini']);
    expect(parseAgentList('all')).toEqual(['claude', 'gemini', 'codex']);
    expect(parseAgentList('Claude-Code, codex')).toEqual(['claude', 'codex']);
    expect(() => parseAgentList('claude,cursor')).toThrow(GitfenceError);
  });

  it('writes every file, and a second install changes nothing', async () => {
    const first = await installAgents(['claude', 'gemini', 'codex'], input);
    expect(first.every((r) => r.changed)).toBe(true);
    const claude = JSON.parse(read(AGENT_FILES.claudeSettings));
    expect(claude.hooks.PreToolUse).toEqual([
      {
        matcher: 'Bash',
        hooks: [
          {
            type: 'command',
            command: "'/usr/bin/node' '/opt/gitfence/bin/gitfence.js' hook claude-code || exit 2",
            timeout: 30,
          },
        ],
      },
    ]);
    expect(claude.permissions.deny).toEqual(input.claudeDeny);
    const gemini = JSON.parse(read(AGENT_FILES.geminiSettings));
    expect(gemini.hooks.BeforeTool[0].matcher).toBe('run_shell_command');
    expect(gemini.hooks.BeforeTool[0].hooks[0].command).toMatch(/hook gemini \|\| exit 2$/);
    expect(read(AGENT_FILES.geminiPolicy)).toBe(input.geminiPolicy);
    expect(read(AGENT_FILES.codexRules)).toBe(input.codexRules);

    const before = snapshot();
    const second = await installAgents(['claude', 'gemini', 'codex'], input);
    expect(second.some((r) => r.changed)).toBe(false);
    expect(snapshot()).toEqual(before);
  });

  it('keeps the user settings and removes exactly what it added', async () => {
    const user = {
      model: 'opus',
      permissions: {
        allow: ['Bash(npm test:*)'],
        deny: ['Bash(git clean -f:*)', 'Bash(rm -rf /:*)'],
      },
      hooks: {
        PreToolUse: [{ matcher: 'Write', hooks: [{ type: 'command', command: 'lint.sh' }] }],
      },
    };
    mkdirSync(join(root, '.claude'));
    const original = `${JSON.stringify(user, null, 2)}\n`;
    writeFileSync(join(root, AGENT_FILES.claudeSettings), original);
    await installAgents(['claude'], input);
    const installed = JSON.parse(read(AGENT_FILES.claudeSettings));
    expect(installed.model).toBe('opus');
    expect(installed.permissions.deny).toEqual([
      'Bash(git clean -f:*)',
      'Bash(rm -rf /:*)',
      'Bash(git reset --hard:*)',
    ]);
    expect(installed.hooks.PreToolUse).toHaveLength(2);
    await uninstallAgents(['claude'], input);
    // The user's own `git clean -f` entry predates gitfence, so it stays.
    expect(read(AGENT_FILES.claudeSettings)).toBe(original);
  });

  it('removes files and folders it created, and nothing else', async () => {
    mkdirSync(join(root, '.codex', 'rules'), { recursive: true });
    writeFileSync(join(root, '.codex', 'rules', 'mine.rules'), '# mine\n');
    await installAgents(['claude', 'gemini', 'codex'], input);
    const reports = await uninstallAgents(['claude', 'gemini', 'codex'], input);
    expect(reports.every((r) => r.changed)).toBe(true);
    expect(existsSync(join(root, '.claude'))).toBe(false);
    expect(existsSync(join(root, '.gemini'))).toBe(false);
    expect(existsSync(join(root, AGENT_FILES.codexRules))).toBe(false);
    expect(read(join('.codex', 'rules', 'mine.rules'))).toBe('# mine\n');
    const again = await uninstallAgents(['claude'], input);
    expect(again[0]?.changed).toBe(false);
  });

  it('replaces an older gitfence hook instead of adding a second one', () => {
    const first = mergeClaudeSettings({}, "'node' '/old/gitfence.js' hook claude-code || exit 2", [
      'A',
    ]);
    const second = mergeClaudeSettings(
      first.settings,
      "'node' '/new/gitfence.js' hook claude-code || exit 2",
      ['A', 'B'],
      {
        hookCommand: "'node' '/old/gitfence.js' hook claude-code || exit 2",
        denyAdded: first.denyAdded,
        createdSettings: true,
      },
    );
    const hooks = (second.settings.hooks as { PreToolUse: unknown[] }).PreToolUse;
    expect(hooks).toHaveLength(1);
    expect(JSON.stringify(hooks)).toContain('/new/gitfence.js');
    expect(second.denyAdded).toEqual(['A', 'B']);
    expect(
      removeClaudeSettings(second.settings, {
        hookCommand: '',
        denyAdded: ['A', 'B'],
        createdSettings: true,
      }),
    ).toEqual({});
  });

  it('refuses a settings file that is not JSON, writing nothing', async () => {
    mkdirSync(join(root, '.claude'));
    writeFileSync(join(root, AGENT_FILES.claudeSettings), '{ broken');
    await expect(installAgents(['claude'], input)).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
    });
    expect(read(AGENT_FILES.claudeSettings)).toBe('{ broken');
    expect(existsSync(input.manifestFile)).toBe(false);
  });
});

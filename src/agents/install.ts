/**
 * Installers for the agent CLIs' hook configuration and rule files. Idempotent: installing twice
 * writes the same bytes. What gitfence added is recorded in a manifest in the state dir, so
 * uninstall removes exactly that (a deny entry the user had before stays; a file gitfence created
 * goes).
 *
 * - Claude Code: `.claude/settings.json` → `hooks.PreToolUse` (matcher `Bash`) and `permissions.deny`.
 * - Gemini CLI: `.gemini/settings.json` → `hooks.BeforeTool` (matcher `run_shell_command`), and the
 *   policy-engine file `.gemini/policies/gitfence.toml`.
 * - Codex: `.codex/rules/gitfence.rules` (project rules load when the project is trusted).
 */
import { readFile, rm, rmdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { GitfenceError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';

export const AGENT_NAMES = ['claude', 'gemini', 'codex'] as const;
export type AgentName = (typeof AGENT_NAMES)[number];

export const AGENT_FILES = {
  claudeSettings: join('.claude', 'settings.json'),
  geminiSettings: join('.gemini', 'settings.json'),
  geminiPolicy: join('.gemini', 'policies', 'gitfence.toml'),
  codexRules: join('.codex', 'rules', 'gitfence.rules'),
} as const;

/** `claude,gemini` → the agents; `all` → every one. Throws a usage error naming the bad one. */
export function parseAgentList(text: string): AgentName[] {
  const names = text
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  if (names.includes('all')) return [...AGENT_NAMES];
  const aliases: Record<string, AgentName> = {
    'claude-code': 'claude',
    gemini: 'gemini',
    'gemini-cli': 'gemini',
  };
  const result: AgentName[] = [];
  for (const name of names) {
    const agent = (AGENT_NAMES as readonly string[]).includes(name)
      ? (name as AgentName)
      : aliases[name];
    if (!agent) {
      throw new GitfenceError('USAGE', `unknown agent "${name}"`, {
        where: '--agents',
        expected: `a comma-separated list of ${AGENT_NAMES.join(', ')} (or all)`,
        got: text,
      });
    }
    if (!result.includes(agent)) result.push(agent);
  }
  if (result.length === 0) {
    throw new GitfenceError('USAGE', 'no agent named', {
      where: '--agents',
      expected: AGENT_NAMES.join(','),
      got: text || '(nothing)',
    });
  }
  return result;
}

/** What install needs, rendered at the edge. */
export interface InstallInput {
  /** The worktree top level the agent runs in: the files go here. */
  root: string;
  /** The manifest file in the state dir (`<git-common-dir>/gitfence/agents.json`). */
  manifestFile: string;
  /** The shell command an agent CLI runs for a hook (absolute node and CLI paths). */
  hookCommand: (hook: 'claude-code' | 'gemini') => string;
  claudeDeny: string[];
  geminiPolicy: string;
  codexRules: string;
}

interface RootRecord {
  claude?: { hookCommand: string; denyAdded: string[]; createdSettings: boolean };
  gemini?: { hookCommand: string; createdSettings: boolean };
  codex?: { rulesFile: string };
}

interface Manifest {
  format: 'gitfence/agents@1';
  roots: Record<string, RootRecord>;
}

export interface AgentReport {
  agent: AgentName;
  files: string[];
  changed: boolean;
}

type Json = Record<string, unknown>;

async function readJsonObject(file: string): Promise<Json | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      throw new Error('not an object');
    return value as Json;
  } catch (error) {
    throw new GitfenceError('CONFIG_INVALID', 'settings file is not a JSON object', {
      where: file,
      expected: 'a JSON object',
      got: (error as Error).message,
      hint: 'fix or move the file, then run `gitfence agents install` again',
    });
  }
}

async function readManifest(file: string): Promise<Manifest> {
  const value = await readJsonObject(file);
  if (
    value &&
    value.format === 'gitfence/agents@1' &&
    typeof value.roots === 'object' &&
    value.roots
  ) {
    return value as unknown as Manifest;
  }
  return { format: 'gitfence/agents@1', roots: {} };
}

const asObject = (value: unknown): Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** Remove hook entries running `command` (or any gitfence hook for this agent); drop groups left empty. */
function withoutHook(groups: unknown[], isOurs: (command: string) => boolean): unknown[] {
  return groups
    .map((group) => {
      const g = asObject(group);
      const hooks = asArray(g.hooks).filter((hook) => {
        const command = asObject(hook).command;
        return !(typeof command === 'string' && isOurs(command));
      });
      return { ...g, hooks };
    })
    .filter((group) => asArray(group.hooks).length > 0);
}

/** A hook entry gitfence wrote: the recorded command, or one that runs a gitfence hook of this name. */
const ours = (hook: string, recorded?: string) => (command: string) =>
  command === recorded ||
  (command.includes('gitfence') && command.includes(` hook ${hook}`)) ||
  command.includes(`agent-hook.cjs' ${hook} `);

/** Claude settings with gitfence's hook and deny entries (previous ones replaced). Pure. */
export function mergeClaudeSettings(
  settings: Json,
  hookCommand: string,
  deny: string[],
  previous?: RootRecord['claude'],
): { settings: Json; denyAdded: string[] } {
  const hooks = asObject(settings.hooks);
  const pre = withoutHook(asArray(hooks.PreToolUse), ours('claude-code', previous?.hookCommand));
  pre.push({ matcher: 'Bash', hooks: [{ type: 'command', command: hookCommand, timeout: 30 }] });
  const permissions = asObject(settings.permissions);
  const mine = new Set(previous?.denyAdded ?? []);
  const kept = asArray(permissions.deny).filter(
    (entry) => !(typeof entry === 'string' && mine.has(entry)),
  );
  const denyAdded = deny.filter((entry) => !kept.includes(entry));
  return {
    settings: {
      ...settings,
      permissions: { ...permissions, deny: [...kept, ...denyAdded] },
      hooks: { ...hooks, PreToolUse: pre },
    },
    denyAdded,
  };
}

/** Claude settings without what gitfence added. Pure. */
export function removeClaudeSettings(
  settings: Json,
  record: NonNullable<RootRecord['claude']>,
): Json {
  const result: Json = { ...settings };
  const hooks = asObject(settings.hooks);
  const pre = withoutHook(asArray(hooks.PreToolUse), ours('claude-code', record.hookCommand));
  const { PreToolUse: _pre, ...otherHooks } = hooks;
  const nextHooks = pre.length > 0 ? { ...otherHooks, PreToolUse: pre } : otherHooks;
  if (Object.keys(nextHooks).length > 0) result.hooks = nextHooks;
  else delete result.hooks;
  const permissions = asObject(settings.permissions);
  const mine = new Set(record.denyAdded);
  const deny = asArray(permissions.deny).filter(
    (entry) => !(typeof entry === 'string' && mine.has(entry)),
  );
  const { deny: _deny, ...otherPermissions } = permissions;
  const nextPermissions = deny.length > 0 ? { ...otherPermissions, deny } : otherPermissions;
  if (Object.keys(nextPermissions).length > 0) result.permissions = nextPermissions;
  else delete result.permissions;
  return result;
}

/** Gemini settings with gitfence's BeforeTool hook (a previous one replaced). Pure. */
export function mergeGeminiSettings(settings: Json, hookCommand: string, previous?: string): Json {
  const hooks = asObject(settings.hooks);
  const before = withoutHook(asArray(hooks.BeforeTool), ours('gemini', previous));
  before.push({
    matcher: 'run_shell_command',
    hooks: [
      {
        name: 'gitfence',
        type: 'command',
        command: hookCommand,
        timeout: 30000,
        description: 'gitfence: deny git commands that would lose work',
      },
    ],
  });
  return { ...settings, hooks: { ...hooks, BeforeTool: before } };
}

export function removeGeminiSettings(settings: Json, hookCommand: string): Json {
  const result: Json = { ...settings };
  const hooks = asObject(settings.hooks);
  const before = withoutHook(asArray(hooks.BeforeTool), ours('gemini', hookCommand));
  const { BeforeTool: _before, ...otherHooks } = hooks;
  const nextHooks = before.length > 0 ? { ...otherHooks, BeforeTool: before } : otherHooks;
  if (Object.keys(nextHooks).length > 0) result.hooks = nextHooks;
  else delete result.hooks;
  return result;
}

const render = (value: Json) => `${JSON.stringify(value, null, 2)}\n`;

/** Write only when the bytes differ; report whether it did. */
async function writeIfChanged(file: string, text: string): Promise<boolean> {
  let current: string | null = null;
  try {
    current = await readFile(file, 'utf8');
  } catch {
    current = null;
  }
  if (current === text) return false;
  await writeFileAtomic(file, text);
  return true;
}

/** Remove a file gitfence created, and its folders if that left them empty (never `.git`). */
async function removeCreated(root: string, relative: string): Promise<boolean> {
  const file = join(root, relative);
  try {
    await rm(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  let dir = dirname(file);
  while (dir !== root && dir.startsWith(root)) {
    try {
      await rmdir(dir);
    } catch {
      break; // not empty: someone else's files live there
    }
    dir = dirname(dir);
  }
  return true;
}

export async function installAgents(
  agents: AgentName[],
  input: InstallInput,
): Promise<AgentReport[]> {
  const manifest = await readManifest(input.manifestFile);
  const record: RootRecord = manifest.roots[input.root] ?? {};
  const reports: AgentReport[] = [];
  for (const agent of agents) {
    if (agent === 'claude') {
      const file = join(input.root, AGENT_FILES.claudeSettings);
      const existing = await readJsonObject(file);
      const command = input.hookCommand('claude-code');
      const merged = mergeClaudeSettings(existing ?? {}, command, input.claudeDeny, record.claude);
      const changed = await writeIfChanged(file, render(merged.settings));
      record.claude = {
        hookCommand: command,
        denyAdded: merged.denyAdded,
        createdSettings: record.claude?.createdSettings ?? existing === null,
      };
      reports.push({ agent, files: [file], changed });
    } else if (agent === 'gemini') {
      const file = join(input.root, AGENT_FILES.geminiSettings);
      const existing = await readJsonObject(file);
      const command = input.hookCommand('gemini');
      const merged = mergeGeminiSettings(existing ?? {}, command, record.gemini?.hookCommand);
      const policyFile = join(input.root, AGENT_FILES.geminiPolicy);
      const changedSettings = await writeIfChanged(file, render(merged));
      const changedPolicy = await writeIfChanged(policyFile, input.geminiPolicy);
      record.gemini = {
        hookCommand: command,
        createdSettings: record.gemini?.createdSettings ?? existing === null,
      };
      reports.push({ agent, files: [file, policyFile], changed: changedSettings || changedPolicy });
    } else {
      const file = join(input.root, AGENT_FILES.codexRules);
      const changed = await writeIfChanged(file, input.codexRules);
      record.codex = { rulesFile: AGENT_FILES.codexRules };
      reports.push({ agent, files: [file], changed });
    }
  }
  manifest.roots[input.root] = record;
  await writeIfChanged(input.manifestFile, render(manifest as unknown as Json));
  return reports;
}

export async function uninstallAgents(
  agents: AgentName[],
  input: Pick<InstallInput, 'root' | 'manifestFile'>,
): Promise<AgentReport[]> {
  const manifest = await readManifest(input.manifestFile);
  const record: RootRecord = manifest.roots[input.root] ?? {};
  const reports: AgentReport[] = [];
  for (const agent of agents) {
    if (agent === 'claude' && record.claude) {
      const file = join(input.root, AGENT_FILES.claudeSettings);
      const existing = await readJsonObject(file);
      let changed = false;
      if (existing) {
        const next = removeClaudeSettings(existing, record.claude);
        if (Object.keys(next).length === 0 && record.claude.createdSettings) {
          changed = await removeCreated(input.root, AGENT_FILES.claudeSettings);
        } else changed = await writeIfChanged(file, render(next));
      }
      delete record.claude;
      reports.push({ agent, files: [file], changed });
    } else if (agent === 'gemini' && record.gemini) {
      const file = join(input.root, AGENT_FILES.geminiSettings);
      const existing = await readJsonObject(file);
      let changed = false;
      if (existing) {
        const next = removeGeminiSettings(existing, record.gemini.hookCommand);
        if (Object.keys(next).length === 0 && record.gemini.createdSettings) {
          changed = await removeCreated(input.root, AGENT_FILES.geminiSettings);
        } else changed = await writeIfChanged(file, render(next));
      }
      const removedPolicy = await removeCreated(input.root, AGENT_FILES.geminiPolicy);
      delete record.gemini;
      reports.push({
        agent,
        files: [file, join(input.root, AGENT_FILES.geminiPolicy)],
        changed: changed || removedPolicy,
      });
    } else if (agent === 'codex' && record.codex) {
      const changed = await removeCreated(input.root, record.codex.rulesFile);
      delete record.codex;
      reports.push({ agent, files: [join(input.root, AGENT_FILES.codexRules)], changed });
    } else {
      reports.push({ agent, files: [], changed: false });
    }
  }
  if (Object.keys(record).length > 0) manifest.roots[input.root] = record;
  else delete manifest.roots[input.root];
  await writeIfChanged(input.manifestFile, render(manifest as unknown as Json));
  return reports;
}

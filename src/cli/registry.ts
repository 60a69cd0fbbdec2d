/** The command table. Each command is loaded lazily so a call pays only for its own code. */
import type { Command } from './context.js';

export interface CommandEntry {
  summary: string;
  load: () => Promise<Command>;
}

export const COMMANDS: Record<string, CommandEntry> = {
  init: {
    summary: 'set up gitfence in this repository (policy, hooks, compile)',
    load: async () => (await import('./commands/init.js')).command,
  },
  compile: {
    summary: 'validate and compile the policy into the git common dir',
    load: async () => (await import('./commands/compile.js')).command,
  },
  doctor: {
    summary: 'report what is installed, compiled and enforced here',
    load: async () => (await import('./commands/doctor.js')).command,
  },
  check: {
    summary: 'decide one git argv against the compiled policy',
    load: async () => (await import('./commands/check.js')).command,
  },
  'check-shell': {
    summary: 'decide every git call in a shell command string',
    load: async () => (await import('./commands/check-shell.js')).command,
  },
  explain: {
    summary: 'show how the policy decides one git argv, rule by rule',
    load: async () => (await import('./commands/explain.js')).command,
  },
  log: {
    summary: 'show the audit log',
    load: async () => (await import('./commands/log.js')).command,
  },
  shim: {
    summary: 'install, remove or inspect the git wrapper shim',
    load: async () => (await import('./commands/shim.js')).command,
  },
  lock: {
    summary: 'lock scopes: leases on path globs for an agent',
    load: async () => (await import('./commands/lock.js')).command,
  },
  'save-patch': {
    summary: "save an agent's scoped changes as a patch file",
    load: async () => (await import('./commands/save-patch.js')).command,
  },
  'apply-patch': {
    summary: 'verify and apply a saved patch (orchestrator)',
    load: async () => (await import('./commands/apply-patch.js')).command,
  },
  'write-lock': {
    summary: 'the .git write-lock and the push window',
    load: async () => (await import('./commands/write-lock.js')).command,
  },
  bootstrap: {
    summary: 'compile, install the shim and optionally lock .git',
    load: async () => (await import('./commands/bootstrap.js')).command,
  },
  hook: {
    summary: 'entry point for git hooks and agent-CLI hooks',
    load: async () => (await import('./commands/hook.js')).command,
  },
  agents: {
    summary: 'install or remove agent-CLI hooks and rule files (Claude Code, Gemini, Codex)',
    load: async () => (await import('./commands/agents.js')).command,
  },
  export: {
    summary: 'export the policy as Codex rules, Claude settings or a Gemini policy',
    load: async () => (await import('./commands/export.js')).command,
  },
  'mount-root': {
    summary: 'find the mount root of a path',
    load: async () => (await import('./commands/mount-root.js')).command,
  },
  worktree: {
    summary: 'linked worktrees for agents: add, list, release',
    load: async () => (await import('./commands/worktree.js')).command,
  },
  checkpoint: {
    summary: 'working-tree snapshots under refs/gitfence/snapshots',
    load: async () => (await import('./commands/checkpoint.js')).command,
  },
};

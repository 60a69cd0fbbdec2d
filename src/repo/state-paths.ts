/** Every file gitfence keeps, in one place. State lives in `<git-common-dir>/gitfence/` (shared by worktrees). */
import { join } from 'node:path';

export const statePaths = (stateDir: string) => ({
  /** The compiled policy (CompiledPolicy JSON). */
  compiledPolicy: join(stateDir, 'policy.json'),
  /** The bundled policy module: custom check functions live here. */
  compiledModule: join(stateDir, 'policy.mjs'),
  /** Data the POSIX-sh shim reads on its fast path. */
  fastPath: join(stateDir, 'fastpath.sh'),
  leases: join(stateDir, 'leases'),
  /** Per-agent scope files the sh shim reads to scope status/diff without starting Node. */
  scopes: join(stateDir, 'scopes'),
  audit: join(stateDir, 'audit.jsonl'),
  patches: join(stateDir, 'patches'),
  writeLock: join(stateDir, 'writelock.json'),
  snapshots: join(stateDir, 'snapshots'),
  /** The worktrees `gitfence worktree add` handed to agents, and the lock its writers take. */
  worktrees: join(stateDir, 'worktrees.json'),
  worktreesLock: join(stateDir, 'worktrees.lock'),
});

/** `$GITFENCE_HOME` (default `~/.gitfence`): the shim, the user-global policy and its compiled form. */
export const homePaths = (gitfenceHome: string) => ({
  shimDir: join(gitfenceHome, 'bin'),
  shim: join(gitfenceHome, 'bin', 'git'),
  globalPolicySource: join(gitfenceHome, 'policy.ts'),
  /** The global policy (or the default preset) compiled, for repositories without their own. */
  compiledDir: join(gitfenceHome, 'compiled'),
});

export function gitfenceHomeFrom(env: Record<string, string | undefined>, home: string): string {
  return env.GITFENCE_HOME || join(env.HOME || home, '.gitfence');
}

/** The repository policy source file name. */
export const POLICY_FILE = 'gitfence.policy.ts';

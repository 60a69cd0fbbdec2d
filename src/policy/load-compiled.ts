/**
 * The enforcement-time loader: JSON.parse plus an integrity check, nothing heavy (no zod, no
 * esbuild). Repository policy → global policy (for agents only when they could not have written
 * it) → the built-in default; never "no policy".
 */
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { GitfenceError } from '../errors.js';
import type { CompiledPolicy } from '../evaluate/types.js';
import { gitfenceHomeFrom, homePaths, POLICY_FILE, statePaths } from '../repo/state-paths.js';
import { DEFAULT_AGENT_MARKERS } from './agent-markers.js';
import { integrityOf, textMatchesIntegrity } from './canonical.js';
import { defaultPolicyPath } from './package-root.js';

export const COMPILED_FORMAT = 'gitfence/compiled-policy@1';
const COMPILE_HINT = 'run `gitfence compile` in the repository';

export interface LoadCompiledInput {
  /** The repository's state dir (`<git-common-dir>/gitfence`), or null outside a repository. */
  stateDir: string | null;
  env: Record<string, string | undefined>;
  /** The user's home directory; `$GITFENCE_HOME` in env wins for gitfence's own home. */
  home: string;
  /** The built-in default compiled policy; default `<package>/dist/default-policy.json`. */
  defaultPolicyFile?: string | null;
  /** The current worktree's top level, to notice an uncompiled `gitfence.policy.ts` there. */
  repoRoot?: string | null;
  /**
   * The call comes from an agent-facing entry point (shim, agent hooks, check-shell). An agent
   * marker in env counts as one too.
   */
  agentContext?: boolean;
  /** Whether this process may write a path; default `accessSync(W_OK)` (see `isWritable`). */
  writable?: (path: string) => boolean;
}

export type PolicyOrigin =
  | { kind: 'repository'; file: string }
  | { kind: 'global'; file: string }
  /** `ignoredGlobal`: a global policy an agent could have written, set aside for this agent call. */
  | { kind: 'default'; file: string; ignoredGlobal?: string };

// synchronous: a small file on every decision, and node:fs/promises costs more to load than the read
async function readText(file: string): Promise<string | null> {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw new GitfenceError('POLICY_CORRUPT', 'the compiled policy cannot be read', {
      where: file,
      got: code ?? String(error),
      hint: `fix its permissions or ${COMPILE_HINT}`,
    });
  }
}

/** Parse and verify one policy.json: format and integrity, or POLICY_CORRUPT. */
export function parseCompiledPolicy(text: string, file: string): CompiledPolicy {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new GitfenceError('POLICY_CORRUPT', 'the compiled policy is not valid JSON', {
      where: file,
      got: (error as Error).message,
      hint: COMPILE_HINT,
    });
  }
  const record = document as Record<string, unknown> | null;
  if (
    !record ||
    typeof record !== 'object' ||
    Array.isArray(record) ||
    record.format !== COMPILED_FORMAT
  ) {
    throw new GitfenceError('POLICY_CORRUPT', 'the compiled policy has an unknown format', {
      where: file,
      expected: COMPILED_FORMAT,
      got: String(record && typeof record === 'object' ? record.format : typeof document),
      hint: COMPILE_HINT,
    });
  }
  // The writer's canonical text verifies by one hash of what was read; anything else is canonicalised.
  if (!textMatchesIntegrity(text, record.integrity)) {
    const expected = integrityOf(record);
    if (record.integrity !== expected) {
      throw new GitfenceError('POLICY_CORRUPT', 'the compiled policy failed its integrity check', {
        where: file,
        expected,
        got: String(record.integrity ?? 'no integrity field'),
        hint: `someone edited or damaged it; ${COMPILE_HINT}`,
      });
    }
  }
  if (
    !Array.isArray(record.rules) ||
    !Array.isArray(record.allow) ||
    typeof record.settings !== 'object'
  ) {
    throw new GitfenceError('POLICY_CORRUPT', 'the compiled policy is incomplete', {
      where: file,
      hint: COMPILE_HINT,
    });
  }
  const { integrity: _integrity, ...policy } = record;
  return policy as unknown as CompiledPolicy;
}

/** False only when the kernel says no: permissions (EACCES), an immutable flag (EPERM, even for root), a read-only mount. */
export function isWritable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return !(code === 'EACCES' || code === 'EPERM' || code === 'EROFS');
  }
}

/** An agent marker (LLM_AGENT_NAME or the default markers) is set and not empty. */
export function hasAgentMarker(env: Record<string, string | undefined>): boolean {
  return DEFAULT_AGENT_MARKERS.some((name) => Boolean(env[name]));
}

/**
 * The first of `paths` this process could write, or null when it could have written none of them:
 * a global policy an agent could have written is the agent's, not the orchestrator's.
 */
export function writablePathAmong(
  paths: readonly string[],
  writable: (path: string) => boolean = isWritable,
): string | null {
  for (const path of paths) if (writable(path)) return path;
  return null;
}

/** The paths whose writability decides whether agents may use the global policy file `file`. */
export function globalTrustPaths(gitfenceHome: string, file: string): string[] {
  const folders = homePaths(gitfenceHome);
  return file === folders.globalPolicySource
    ? [file, gitfenceHome]
    : [file, folders.compiledDir, gitfenceHome];
}

/** Policy sources this repository has: the current worktree's and the main worktree's. */
function repositorySources(stateDir: string, repoRoot: string | null | undefined): string[] {
  const commonDir = dirname(stateDir);
  const roots = [repoRoot, basename(commonDir) === '.git' ? dirname(commonDir) : null];
  return [...new Set(roots.filter((root): root is string => Boolean(root)))]
    .map((root) => join(root, POLICY_FILE))
    .filter((file) => existsSync(file));
}

export async function loadCompiledPolicy(
  input: LoadCompiledInput,
): Promise<{ policy: CompiledPolicy; origin: PolicyOrigin }> {
  const { stateDir, env, home } = input;
  if (stateDir) {
    const file = statePaths(stateDir).compiledPolicy;
    const text = await readText(file);
    if (text !== null)
      return { policy: parseCompiledPolicy(text, file), origin: { kind: 'repository', file } };
    const sources = repositorySources(stateDir, input.repoRoot);
    if (sources.length > 0) {
      throw new GitfenceError(
        'POLICY_NOT_COMPILED',
        'this repository has a policy that is not compiled',
        {
          where: sources[0],
          expected: `a compiled policy in ${file}`,
          got: 'none',
          hint: 'run `gitfence compile` (the orchestrator or a human, not an agent)',
        },
      );
    }
  }
  const homeDir = gitfenceHomeFrom(env, home);
  const gitfenceHome = homePaths(homeDir);
  const globalFile = statePaths(gitfenceHome.compiledDir).compiledPolicy;
  // In an agent context the global layer counts only when the agent could not have written it;
  // otherwise the built-in default applies (never "no policy").
  const agent = input.agentContext === true || hasAgentMarker(env);
  let ignoredGlobal: string | undefined;
  const trusted = (file: string) => {
    if (!agent || writablePathAmong(globalTrustPaths(homeDir, file), input.writable) === null)
      return true;
    ignoredGlobal = file;
    return false;
  };
  const globalText = await readText(globalFile);
  if (globalText !== null) {
    if (trusted(globalFile)) {
      return {
        policy: parseCompiledPolicy(globalText, globalFile),
        origin: { kind: 'global', file: globalFile },
      };
    }
  } else if (
    existsSync(gitfenceHome.globalPolicySource) &&
    trusted(gitfenceHome.globalPolicySource)
  ) {
    // A stricter global policy must not silently fall back to the default.
    throw new GitfenceError('POLICY_NOT_COMPILED', 'the global policy is not compiled', {
      where: gitfenceHome.globalPolicySource,
      hint: 'run `gitfence compile --global` (the orchestrator or a human, not an agent)',
    });
  }
  const defaultFile =
    input.defaultPolicyFile === undefined ? defaultPolicyPath() : input.defaultPolicyFile;
  const defaultText = defaultFile ? await readText(defaultFile) : null;
  if (defaultText === null || !defaultFile) {
    throw new GitfenceError('POLICY_CORRUPT', 'the built-in default policy is missing', {
      where: defaultFile ?? 'dist/default-policy.json',
      hint: 'reinstall gitfence, or run `gitfence compile` in the repository',
    });
  }
  return {
    policy: parseCompiledPolicy(defaultText, defaultFile),
    origin: ignoredGlobal
      ? { kind: 'default', file: defaultFile, ignoredGlobal }
      : { kind: 'default', file: defaultFile },
  };
}

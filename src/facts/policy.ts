/**
 * The compiled policy for a decision: the repository's, else the global one, else the built-in
 * default (the policy loader's order). Missing or corrupt → POLICY_NOT_COMPILED / POLICY_CORRUPT,
 * which callers turn into a fail-closed denial.
 */
import { readFileSync } from 'node:fs';
import { loadCompiledPolicy, parseCompiledPolicy } from '../policy/load-compiled.js';
import type { CompiledPolicy } from '../evaluate/types.js';
import type { RepoInfo } from '../repo/discover.js';
import { statePaths } from '../repo/state-paths.js';

export const COMPILE_HINT =
  'run `gitfence compile` in the repository (the orchestrator or a human, not an agent)';

export async function loadPolicyFor(
  repo: RepoInfo | null,
  env: Record<string, string | undefined>,
  home: string,
  /** An agent-facing entry point (agent markers in env count too); see LoadCompiledInput. */
  agentContext = false,
): Promise<{ policy: CompiledPolicy; file: string }> {
  if (repo) {
    // the common case, read synchronously (a promise file handle costs more than the read itself);
    // anything but a plain successful read goes through the loader, which decides what it means
    const file = statePaths(repo.stateDir).compiledPolicy;
    let text: string | null = null;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      text = null;
    }
    if (text !== null) return { policy: parseCompiledPolicy(text, file), file };
  }
  const { policy, origin } = await loadCompiledPolicy({
    stateDir: repo?.stateDir ?? null,
    env,
    home,
    repoRoot: repo?.topLevel ?? null,
    agentContext,
  });
  return { policy, file: origin.file };
}

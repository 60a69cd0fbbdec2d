/**
 * The compiled policy for a decision: the repository's, else the global one, else the built-in
 * default (the policy loader's order). Missing or corrupt → POLICY_NOT_COMPILED / POLICY_CORRUPT,
 * which callers turn into a fail-closed denial.
 */
import { loadCompiledPolicy } from '../policy/load-compiled.js';
import type { CompiledPolicy } from '../evaluate/types.js';
import type { RepoInfo } from '../repo/discover.js';

export const COMPILE_HINT =
  'run `gitfence compile` in the repository (the orchestrator or a human, not an agent)';

export async function loadPolicyFor(
  repo: RepoInfo | null,
  env: Record<string, string | undefined>,
  home: string,
): Promise<{ policy: CompiledPolicy; file: string }> {
  const { policy, origin } = await loadCompiledPolicy({
    stateDir: repo?.stateDir ?? null,
    env,
    home,
    repoRoot: repo?.topLevel ?? null,
  });
  return { policy, file: origin.file };
}

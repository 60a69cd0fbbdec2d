/**
 * Reading the compiled policy on the check path: plain JSON, no zod. A missing file is
 * POLICY_NOT_COMPILED, an unreadable or malformed one POLICY_CORRUPT; callers turn both into a
 * fail-closed denial. TEMPORARY: stands in for `src/policy/load-compiled.ts` until it lands.
 */
import { readFile } from 'node:fs/promises';
import { GitfenceError } from '../errors.js';
import type { CompiledPolicy } from '../evaluate/types.js';
import type { RepoInfo } from '../repo/discover.js';
import { gitfenceHomeFrom, homePaths, statePaths } from '../repo/state-paths.js';
import { join } from 'node:path';

export const COMPILE_HINT =
  'run `gitfence compile` in the repository (or `gitfence init` to set it up)';

export async function loadPolicyFile(file: string): Promise<CompiledPolicy> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new GitfenceError('POLICY_NOT_COMPILED', 'no compiled policy', {
        where: file,
        hint: COMPILE_HINT,
      });
    }
    throw new GitfenceError('POLICY_CORRUPT', 'the compiled policy cannot be read', {
      where: file,
      got: code ?? String(error),
      hint: COMPILE_HINT,
    });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new GitfenceError('POLICY_CORRUPT', 'the compiled policy is not valid JSON', {
      where: file,
      hint: COMPILE_HINT,
    });
  }
  const policy = data as Partial<CompiledPolicy> | null;
  if (
    !policy ||
    policy.format !== 'gitfence/compiled-policy@1' ||
    !Array.isArray(policy.rules) ||
    !Array.isArray(policy.allow) ||
    typeof policy.settings !== 'object'
  ) {
    throw new GitfenceError('POLICY_CORRUPT', 'the compiled policy has an unexpected shape', {
      where: file,
      expected: 'gitfence/compiled-policy@1',
      got: String((policy as { format?: unknown } | null)?.format ?? typeof data),
      hint: COMPILE_HINT,
    });
  }
  return policy as CompiledPolicy;
}

/** The repository's compiled policy; outside a repository, the global one in `$GITFENCE_HOME`. */
export async function loadPolicyFor(
  repo: RepoInfo | null,
  env: Record<string, string | undefined>,
  home: string,
): Promise<{ policy: CompiledPolicy; file: string }> {
  const file = repo
    ? statePaths(repo.stateDir).compiledPolicy
    : join(homePaths(gitfenceHomeFrom(env, home)).compiledDir, 'policy.json');
  return { policy: await loadPolicyFile(file), file };
}

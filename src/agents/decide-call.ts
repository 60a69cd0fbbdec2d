/** The real per-call decider for shell strings and agent hooks: `decideGit` (compiled policy, facts, evaluator). */
import { decideGit } from '../facts/decide-git.js';
import { gatherAliases } from '../facts/git-config.js';
import type { CallDecider } from './decide-shell.js';

export const decideCallWithPolicy: CallDecider = async ({
  argv,
  cwd,
  env,
  agent,
  now,
  aliases,
}) => {
  // Aliases the command string defines itself win over the repository's, as they would when it runs.
  const sources = aliases
    ? {
        gatherAliases: async (o: Parameters<typeof gatherAliases>[0]) => ({
          ...(await gatherAliases(o)),
          ...aliases,
        }),
      }
    : undefined;
  const { decision } = await decideGit({
    argv,
    cwd,
    env,
    agent,
    now,
    ...(sources ? { sources } : {}),
  });
  return decision;
};

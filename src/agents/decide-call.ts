/** The real per-call decider for shell strings and agent hooks: `decideGit` (compiled policy, facts, evaluator). */
import { decideGit } from '../facts/decide-git.js';
import { gatherAliases } from '../facts/git-config.js';
import { discoverRepo } from '../repo/discover.js';
import type { CallDecider } from './decide-shell.js';
import { fastSources } from './fast-facts.js';

export const decideCallWithPolicy: CallDecider = async ({
  argv,
  cwd,
  env,
  hostEnv,
  agent,
  now,
  aliases,
}) => {
  // Aliases the command string defines itself win over the repository's, as they would when it runs.
  const sources = fastSources(argv, env, { discoverRepo, gatherAliases }, aliases);
  const { decision } = await decideGit({
    argv,
    cwd,
    env,
    hostEnv,
    agent,
    now,
    sources,
    agentContext: true,
  });
  return decision;
};

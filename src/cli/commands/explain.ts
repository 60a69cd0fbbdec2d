/** `gitfence explain [--agent NAME] [--cwd DIR] [--json] -- <git args…>`: the decision's full trace. */
import { decideGit } from '../../facts/decide-git.js';
import { renderExplain } from '../../render/explain.js';
import type { Command } from '../context.js';
import { parseGitCallArgs } from './check.js';

export const command: Command = {
  name: 'explain',
  summary: 'show how the policy decides one git argv, rule by rule',
  usage: [
    'usage: gitfence explain [--json] [--agent NAME] [--cwd DIR] -- <git args…>',
    '',
    'Show how git reads the call (subcommand, alias chain, options as typed, effects), every rule',
    'that matched with where it was defined and why, and the aggregate decision.',
    '',
    '  --json         print {invocation, facts, decision} as JSON',
    '  --agent NAME   explain for this agent (default: $LLM_AGENT_NAME)',
    '  --cwd DIR      explain as if git ran in DIR (default: here)',
    '',
    'Exit codes: 0 allowed, 42 denied, 2 usage error, 1 internal error.',
  ].join('\n'),
  async run(context) {
    const args = parseGitCallArgs('explain', context);
    const result = await decideGit({
      argv: args.argv,
      cwd: args.cwd,
      env: context.env,
      agent: args.agent,
      now: context.now,
      tty: context.stdout.isTTY === true,
      all: true,
    });
    if (args.json) {
      const out = {
        argv: args.argv,
        agent: args.agent,
        policyFile: result.policyFile,
        invocation: result.invocation,
        facts: result.request?.facts ?? null,
        decision: result.decision,
      };
      context.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    } else {
      context.stdout.write(
        `${renderExplain({
          argv: args.argv,
          agent: args.agent,
          invocation: result.invocation,
          decision: result.decision,
          policy: result.policy,
          policyFile: result.policyFile ?? undefined,
        })}\n`,
      );
    }
    return result.decision.outcome === 'allow' ? 'ok' : 'denied';
  },
};

/**
 * TEMPORARY FALLBACKS (issue 3): stand-ins for other components' modules that had not landed when
 * the shim was written. `engine.ts` switches to the real modules as they appear. They fail closed:
 * the fallback evaluator denies the seven rollback subcommands and obvious destructive forms.
 */
import type { CompiledPolicy, Decision, GitRequest } from '../evaluate/types.js';
import { ResolvedSettings } from '../policy/schema.js';

const ROLLBACK = ['restore', 'checkout', 'reset', 'clean', 'revert', 'switch', 'stash'];

/** TEMPORARY: the default settings, as the schema defaults them. */
export function fallbackPolicy(): CompiledPolicy {
  return {
    format: 'gitfence/compiled-policy@1',
    sourceHash: 'fallback',
    layers: [{ layer: 'preset:opsGitSafety', name: 'opsGitSafety (fallback)' }],
    defaultAction: 'allow',
    allow: [],
    rules: [],
    settings: ResolvedSettings.parse({
      scopes: {},
      push: {},
      paths: {},
      writeLock: {},
      breakGlass: {},
      audit: {},
      shim: {},
    }),
    checks: [],
  };
}

const GLOBALS_WITH_VALUE = new Set([
  '-C',
  '-c',
  '--git-dir',
  '--work-tree',
  '--namespace',
  '--config-env',
]);

/** TEMPORARY: a crude fail-closed evaluator used only until src/evaluate/evaluate.ts exists. */
export function fallbackEvaluate(_policy: CompiledPolicy, request: GitRequest): Decision {
  const argv = request.argv;
  let i = 0;
  let globalPath = false;
  while (i < argv.length && argv[i]!.startsWith('-')) {
    const arg = argv[i]!;
    if (arg === '-C' || arg.startsWith('--git-dir') || arg.startsWith('--work-tree'))
      globalPath = true;
    i += GLOBALS_WITH_VALUE.has(arg) ? 2 : 1;
  }
  let sub = argv[i] ?? null;
  const aliases = request.facts.aliases ?? {};
  const chain: string[] = [];
  let rest = argv.slice(i + 1);
  const configAliases = new Map<string, string>();
  for (let j = 0; j < i; j++) {
    if (argv[j] === '-c' && argv[j + 1]?.startsWith('alias.')) {
      const [key, ...value] = argv[j + 1]!.slice(6).split('=');
      configAliases.set(key!, value.join('='));
    }
  }
  let shellAlias: string | null = null;
  while (sub && (configAliases.has(sub) || aliases[sub]) && chain.length < 10) {
    const body = configAliases.get(sub) ?? aliases[sub]!;
    chain.push(sub);
    if (body.startsWith('!')) {
      shellAlias = body.slice(1);
      break;
    }
    const words = body.split(/\s+/).filter(Boolean);
    sub = words[0] ?? null;
    rest = [...words.slice(1), ...rest];
  }
  const reasons: string[] = [];
  if (sub && ROLLBACK.includes(sub)) reasons.push(`git ${sub} is blocked`);
  if (sub && sub.startsWith('git-') && ROLLBACK.includes(sub.slice(4)))
    reasons.push(`${sub} is blocked`);
  if (shellAlias && /git\b/.test(shellAlias)) reasons.push('a ! alias that runs git');
  if (globalPath) reasons.push('path options are checked by the full evaluator');
  if (request.env.GIT_DIR || request.env.GIT_WORK_TREE) reasons.push('GIT_DIR/GIT_WORK_TREE');
  if (sub === 'push' && rest.some((a) => /^(-f|--force$|--forc|\+)/.test(a)))
    reasons.push('force push');
  if (rest.includes('--no-verify')) reasons.push('hook bypass');
  const deny = reasons.length > 0;
  return {
    outcome: deny ? 'deny' : 'allow',
    matches: deny
      ? [
          {
            ruleId: `fallback/${sub ?? 'git'}`,
            outcome: 'deny',
            reason: reasons.join('; '),
            instead: 'commit your own files with `git add <paths>` and `git commit`',
            alert: sub === 'restore' || sub === 'checkout' ? 'maximum' : 'normal',
            source: { layer: 'builtin', path: 'fallback' },
          },
        ]
      : [],
    warnings: [],
    alert: deny ? (sub === 'restore' || sub === 'checkout' ? 'maximum' : 'normal') : 'none',
    invocation: {
      subcommand: sub,
      typed: argv[i] ?? null,
      aliasChain: chain,
      effects: [],
      problems: [],
      options: rest.filter((a) => a.startsWith('-')),
    },
  };
}

/** TEMPORARY: fail-closed decision when the policy cannot be loaded. */
export function fallbackFailClosed(reason: string, hint: string): Decision {
  return {
    outcome: 'deny',
    matches: [
      {
        ruleId: 'fail-closed',
        outcome: 'deny',
        reason,
        instead: hint,
        alert: 'normal',
        source: { layer: 'builtin', path: 'fail-closed' },
      },
    ],
    warnings: [],
    alert: 'normal',
  };
}

/** TEMPORARY: until src/render/ exists. */
export function fallbackRenderDenialLine(decision: Decision): string {
  const first = decision.matches.find((m) => m.outcome === 'deny');
  if (!first) return 'gitfence: denied';
  return `gitfence: denied ${first.ruleId}: ${first.reason} — ${first.instead ?? 'ask the orchestrator'}`;
}

/** TEMPORARY: until src/render/ exists. */
export function fallbackRenderAlert(decision: Decision): string {
  const bar = decision.alert === 'maximum' ? '#'.repeat(60) : '='.repeat(60);
  const lines = decision.matches
    .filter((m) => m.outcome === 'deny')
    .map((m) => `  ${m.ruleId}: ${m.reason}${m.instead ? `\n    instead: ${m.instead}` : ''}`);
  return `\u0007${bar}\n  GITFENCE: DENIED${decision.alert === 'maximum' ? ' (MAXIMUM ALERT)' : ''}\n${lines.join('\n')}\n${bar}\n`;
}

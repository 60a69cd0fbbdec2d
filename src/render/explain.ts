/** `gitfence explain`: how git reads the call, every rule that matched and why, and the aggregate. */
import type { GitInvocation } from '../git/invocation.js';
import type { CompiledPolicy, Decision } from '../evaluate/types.js';
import { renderMatch } from './check.js';
import { renderCommand } from './text.js';

export interface ExplainInput {
  argv: readonly string[];
  agent: string | null;
  invocation: GitInvocation | null;
  decision: Decision;
  policy: CompiledPolicy | null;
  /** Where the compiled policy was read from. */
  policyFile?: string;
}

const none = (list: readonly unknown[]) => (list.length === 0 ? '(none)' : null);

function row(label: string, value: string): string {
  return `  ${label.padEnd(12)} ${value}`;
}

function renderInvocation(inv: GitInvocation): string[] {
  const typed =
    inv.aliasChain.length > 0
      ? ` (typed ${inv.typed ?? '?'}; alias ${inv.aliasChain.join(' → ')} → ${inv.subcommand ?? 'shell'})`
      : inv.typed !== null && inv.typed !== inv.subcommand
        ? ` (typed ${inv.typed})`
        : '';
  const lines = ['how git reads it', row('subcommand', `${inv.subcommand ?? '(none)'}${typed}`)];
  if (inv.shellAlias !== null) lines.push(row('shell alias', `!${inv.shellAlias}`));
  if (inv.globals.length > 0) {
    lines.push(
      row(
        'globals',
        inv.globals.map((o) => `${o.name}${o.value !== undefined ? ` ${o.value}` : ''}`).join(' '),
      ),
    );
  }
  if (inv.config.length > 0) {
    lines.push(
      row('config', inv.config.map((e) => `${e.key}=${e.value} (${e.source})`).join('; ')),
    );
  }
  lines.push(
    row(
      'options',
      none(inv.options) ??
        inv.options
          .map((o) => {
            const value = o.value !== undefined ? `=${o.value}` : '';
            const ambiguous = o.candidates?.length ? ` ambiguous: ${o.candidates.join('|')}` : '';
            const typedAs = o.raw !== o.name + value ? ` (typed ${o.raw})` : '';
            return `${o.name}${value}${typedAs}${ambiguous}`;
          })
          .join(', '),
    ),
    row('operands', none(inv.operands) ?? inv.operands.join(' ')),
    row(
      'pathspecs',
      inv.doubleDash ? (none(inv.pathspecs) ?? `-- ${inv.pathspecs.join(' ')}`) : '(none)',
    ),
    row('effects', none(inv.effects) ?? inv.effects.join(', ')),
  );
  const env = Object.entries(inv.env);
  if (env.length > 0) lines.push(row('env', env.map(([k, v]) => `${k}=${v}`).join(' ')));
  if (inv.paths.length > 0) {
    lines.push(
      row('paths', inv.paths.map((p) => `${p.option} ${p.value} → ${p.resolved}`).join('; ')),
    );
  }
  if (inv.cwd) lines.push(row('runs in', inv.cwd));
  if (inv.problems.length > 0) lines.push(row('problems', inv.problems.join('; ')));
  return lines;
}

function renderPolicy(policy: CompiledPolicy, file?: string): string[] {
  const layers = policy.layers
    .map((l) => [l.layer, l.name, l.file].filter(Boolean).join(' '))
    .join(' → ');
  return [
    'policy',
    row('layers', layers || '(none)'),
    ...(file ? [row('compiled', file)] : []),
    row('rules', `${policy.rules.length} checked, default action ${policy.defaultAction}`),
    ...(policy.defaultAction === 'deny'
      ? [row('allowlist', policy.allow.join(', ') || '(empty)')]
      : []),
  ];
}

export function renderExplain(input: ExplainInput): string {
  const { decision } = input;
  const lines = [`${renderCommand(input.argv)}   (agent: ${input.agent ?? 'none'})`, ''];
  if (input.invocation) lines.push(...renderInvocation(input.invocation), '');
  if (input.policy) lines.push(...renderPolicy(input.policy, input.policyFile), '');
  lines.push(`rules that matched (${decision.matches.length})`);
  if (decision.matches.length === 0) lines.push('  (none)');
  for (const match of decision.matches) lines.push(...renderMatch(match));
  lines.push('');
  const count = (o: string) => decision.matches.filter((m) => m.outcome === o).length;
  lines.push(
    'decision',
    row(
      'outcome',
      `${decision.outcome === 'deny' ? 'DENIED' : 'ALLOWED'} (alert ${decision.alert}; ${count('deny')} deny, ${count('warn')} warn, ${count('allow')} allow)`,
    ),
  );
  if (decision.outcome === 'deny') {
    lines.push(
      row(
        'why',
        'deny wins: any matching deny rule blocks the call; deny checks run before the allowlist',
      ),
    );
  } else if (decision.matches.length === 0) {
    lines.push(
      row('why', `no rule denies it; default action ${input.policy?.defaultAction ?? 'allow'}`),
    );
  }
  if (decision.rewrite) lines.push(row('runs as', renderCommand(decision.rewrite.argv)));
  for (const warning of decision.warnings) lines.push(row('warning', warning));
  return lines.join('\n');
}

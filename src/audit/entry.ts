/** One audit line: what was asked, by whom, and what gitfence decided. */
import type { Decision } from '../evaluate/types.js';
import { redactArgv, redactText } from './redact.js';

export type BreakGlassOutcome =
  'approved' | 'refused-no-tty' | 'refused-disabled' | 'wrong-code' | 'timeout' | 'aborted';

export interface AuditEntry {
  time: string;
  agent: string | null;
  cwd: string;
  /** argv after `git`, secrets redacted. */
  argv: string[];
  subcommand: string | null;
  ruleIds: string[];
  outcome: 'allow' | 'deny';
  /** Which enforcement point decided. */
  via: string;
  breakGlass?: {
    outcome: BreakGlassOutcome;
    attempts: number;
    snapshot?: string;
  };
  /** Exit code of the git command, when it ran. */
  exitCode?: number;
  pid?: number;
}

export interface AuditEntryInput {
  now: number;
  agent: string | null;
  cwd: string;
  argv: readonly string[];
  decision: Decision;
  via?: string;
  breakGlass?: AuditEntry['breakGlass'];
  pid?: number;
}

export function renderAuditEntry(input: AuditEntryInput): AuditEntry {
  const approved = input.breakGlass?.outcome === 'approved';
  const entry: AuditEntry = {
    time: new Date(input.now).toISOString(),
    agent: input.agent,
    cwd: redactText(input.cwd),
    argv: redactArgv(input.argv),
    subcommand: input.decision.invocation?.subcommand ?? null,
    ruleIds: input.decision.matches.filter((m) => m.outcome !== 'allow').map((m) => m.ruleId),
    outcome: approved ? 'allow' : input.decision.outcome,
    via: input.via ?? 'shim',
  };
  if (input.breakGlass) entry.breakGlass = input.breakGlass;
  if (input.pid !== undefined) entry.pid = input.pid;
  return entry;
}

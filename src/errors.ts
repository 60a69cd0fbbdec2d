/**
 * The one exit-code table (SPEC §5) and the error type every module throws.
 * Denial is a result, never an exception; errors carry a stable code that maps to an exit code here.
 */

export const EXIT = {
  ok: 0,
  internal: 1,
  usage: 2,
  denied: 42,
} as const;

export type ExitKind = keyof typeof EXIT;

/** Stable error codes; each maps to exactly one exit kind. */
export const ERROR_KINDS = {
  USAGE: 'usage',
  POLICY_INVALID: 'usage',
  POLICY_EXAMPLE_FAILED: 'usage',
  CONFIG_INVALID: 'usage',
  NOT_A_REPOSITORY: 'usage',
  POLICY_NOT_COMPILED: 'denied',
  POLICY_CORRUPT: 'denied',
  LOCK_CONFLICT: 'denied',
  DENIED: 'denied',
  INTERNAL: 'internal',
  IO: 'internal',
  GIT_FAILED: 'internal',
} as const satisfies Record<string, ExitKind>;

export type ErrorCode = keyof typeof ERROR_KINDS;

export interface ErrorDetails {
  /** Where: a file, a policy path (`gitfence.policy.ts › push.protectedBranches[1]`), a rule id. */
  where?: string;
  expected?: string;
  got?: string;
  /** What to do about it, phrased as an instruction. */
  hint?: string;
}

export class GitfenceError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(
    code: ErrorCode,
    message: string,
    details: ErrorDetails = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'GitfenceError';
    this.code = code;
    this.details = details;
  }
}

export function isGitfenceError(value: unknown): value is GitfenceError {
  return value instanceof GitfenceError;
}

/** The exit code for a thrown value: known codes map through the table, anything else is internal. */
export function exitCodeForError(error: unknown): number {
  return isGitfenceError(error) ? EXIT[ERROR_KINDS[error.code]] : EXIT.internal;
}

/** One readable block: what, where, expected/got, what to do. */
export function formatError(error: unknown): string {
  if (!isGitfenceError(error)) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    return `gitfence: internal error: ${message}`;
  }
  const { where, expected, got, hint } = error.details;
  const lines = [`gitfence: ${where ? `${where}: ` : ''}${error.message}`];
  if (expected !== undefined || got !== undefined) {
    lines.push(`  expected ${expected ?? '?'}, got ${got ?? '?'}`);
  }
  if (hint) lines.push(`  → ${hint}`);
  return lines.join('\n');
}

/** Secrets never reach the audit log: tokens in URLs, auth headers and secret-looking config values. */

const SECRET_KEY =
  /(extraheader|password|passwd|token|secret|authorization|cookie|credential|private[-_]?key|api[-_]?key)/i;
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^/@\s]+)@/gi;
const AUTH_HEADER = /\b(authorization|proxy-authorization)(\s*:\s*)(\S+\s+)?\S+/gi;
const KNOWN_TOKENS =
  /\b(gh[pousr]_[A-Za-z0-9]{16,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{16,}|xox[abprs]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16}|sk-[A-Za-z0-9_-]{20,})\b/g;

export const REDACTED = '***';

/**
 * What every pattern above needs somewhere in the text (`:` for URLs and headers, the tokens'
 * fixed parts): most arguments have none of it, and are returned without running the patterns.
 */
function mayHoldSecret(text: string): boolean {
  return (
    text.includes(':') ||
    text.includes('_') ||
    text.includes('sk-') ||
    text.includes('glpat-') ||
    text.includes('xox') ||
    text.includes('AKIA')
  );
}

/** One string with secrets replaced; the shape stays readable. */
export function redactText(text: string): string {
  return mayHoldSecret(text) ? redactPatterns(text) : text;
}

/** Every pattern, unconditionally (what `redactText` does to text that may hold a secret). */
export function redactPatterns(text: string): string {
  return text
    .replace(URL_USERINFO, (_m, scheme: string) => `${scheme}${REDACTED}@`)
    .replace(AUTH_HEADER, (_m, name: string, sep: string) => `${name}${sep}${REDACTED}`)
    .replace(KNOWN_TOKENS, REDACTED);
}

/** `key=value` config assignments whose key names a secret keep the key and lose the value. */
function redactAssignment(arg: string): string {
  const eq = arg.indexOf('=');
  if (eq > 0 && SECRET_KEY.test(arg.slice(0, eq))) return `${arg.slice(0, eq + 1)}${REDACTED}`;
  return redactText(arg);
}

/** A git argv with secrets redacted: `-c http.extraheader=…`, `--password=…`, URL credentials, tokens. */
export function redactArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const previous = i > 0 ? argv[i - 1] : undefined;
    if (previous === '-c' || previous === '--config' || previous === '--config-env') {
      out.push(redactAssignment(arg));
    } else if (/^-c./.test(arg) && !arg.startsWith('--')) {
      out.push(`-c${redactAssignment(arg.slice(2))}`);
    } else if (
      arg.startsWith('--') &&
      arg.includes('=') &&
      SECRET_KEY.test(arg.slice(0, arg.indexOf('=')))
    ) {
      out.push(`${arg.slice(0, arg.indexOf('=') + 1)}${REDACTED}`);
    } else if (
      previous !== undefined &&
      /^--?[a-z-]*(password|token|secret)[a-z-]*$/i.test(previous)
    ) {
      out.push(REDACTED);
    } else {
      out.push(redactText(arg));
    }
  }
  return out;
}

/**
 * Colours for the terminal renderers, honouring the decision made at the edge. The same codes and
 * nesting rule as picocolors, written out here because picocolors looks at `process.stdout` when it
 * loads, and creating that stream costs a hot entry several milliseconds it never needed.
 */
export { colorEnabled } from './color-enabled.js';

export type Formatter = (input: string | number | null | undefined) => string;

/** name → [open, close, what replaces a nested close]; picocolors' table. */
const STYLES = {
  reset: ['\x1b[0m', '\x1b[0m'],
  bold: ['\x1b[1m', '\x1b[22m', '\x1b[22m\x1b[1m'],
  dim: ['\x1b[2m', '\x1b[22m', '\x1b[22m\x1b[2m'],
  italic: ['\x1b[3m', '\x1b[23m'],
  underline: ['\x1b[4m', '\x1b[24m'],
  inverse: ['\x1b[7m', '\x1b[27m'],
  hidden: ['\x1b[8m', '\x1b[28m'],
  strikethrough: ['\x1b[9m', '\x1b[29m'],
  black: ['\x1b[30m', '\x1b[39m'],
  red: ['\x1b[31m', '\x1b[39m'],
  green: ['\x1b[32m', '\x1b[39m'],
  yellow: ['\x1b[33m', '\x1b[39m'],
  blue: ['\x1b[34m', '\x1b[39m'],
  magenta: ['\x1b[35m', '\x1b[39m'],
  cyan: ['\x1b[36m', '\x1b[39m'],
  white: ['\x1b[37m', '\x1b[39m'],
  gray: ['\x1b[90m', '\x1b[39m'],
} as const satisfies Record<string, readonly [string, string, string?]>;

export type Colors = { isColorSupported: boolean } & Record<keyof typeof STYLES, Formatter>;

function formatter(open: string, close: string, replace = open): Formatter {
  return (input) => {
    const text = `${input}`;
    let index = text.indexOf(close, open.length);
    if (index < 0) return open + text + close;
    // a nested style's close would end ours too early: re-open after it
    let result = '';
    let cursor = 0;
    do {
      result += text.substring(cursor, index) + replace;
      cursor = index + close.length;
      index = text.indexOf(close, cursor);
    } while (index >= 0);
    return open + result + text.substring(cursor) + close;
  };
}

export function colors(enabled: boolean): Colors {
  const out = { isColorSupported: enabled } as Colors;
  for (const [name, [open, close, replace]] of Object.entries(STYLES) as Array<
    [keyof typeof STYLES, readonly [string, string, string?]]
  >) {
    out[name] = enabled ? formatter(open, close, replace) : (input) => `${input}`;
  }
  return out;
}

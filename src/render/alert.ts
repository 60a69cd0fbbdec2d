/**
 * The loud terminal banner for a denial. `maximum` (restore, checkout: work that cannot be recovered)
 * is a full-width STOP block with three bells; `normal` is a framed box with one bell. Both fit one
 * screen (at most 80 columns, at most 24 lines).
 */
import type { Decision } from '../evaluate/types.js';
import { colors } from './color.js';
import { DEFAULT_INSTEAD, describeSource, primaryDenial, wrap } from './text.js';

export const BELL = '\x07';
const WIDTH = 80;

const STOP = [
  '  ____  _____  ___   ____  ',
  ' / ___||_   _|/ _ \\ |  _ \\ ',
  ' \\___ \\  | | | | | || |_) |',
  '  ___) | | | | |_| ||  __/ ',
  ' |____/  |_|  \\___/ |_|    ',
];

export interface AlertOptions {
  color: boolean;
  /** The git argv that was denied (after `git`), shown in the banner. */
  argv?: readonly string[];
  command?: string;
}

function field(label: string, text: string, inner: number): string[] {
  const pad = ' '.repeat(label.length);
  return wrap(text, inner - label.length).map((line, i) => `${i === 0 ? label : pad}${line}`);
}

export function renderAlert(decision: Decision, options: AlertOptions): string {
  const c = colors(options.color);
  const primary = primaryDenial(decision);
  if (!primary) return '';
  const maximum = decision.alert === 'maximum';
  const inner = WIDTH - 4;
  // the maximum frame is `## … ##`, one column wider on each side than `| … |`
  const textWidth = maximum ? inner - 2 : inner;
  const others = decision.matches.filter((m) => m.outcome === 'deny' && m !== primary);

  const body: string[] = [
    ...(options.command ? field('command   ', options.command, textWidth) : []),
    ...field('rule      ', primary.ruleId, textWidth),
    ...field('protects  ', primary.reason, textWidth),
    ...field('instead   ', primary.instead ?? DEFAULT_INSTEAD, textWidth),
    ...field('defined   ', describeSource(primary.source), textWidth),
    ...(primary.detail ? field('why       ', primary.detail, textWidth) : []),
    ...(others.length > 0
      ? field('also      ', others.map((m) => m.ruleId).join(', '), textWidth)
      : []),
  ].slice(0, 12);

  if (maximum) {
    const bar = '#'.repeat(WIDTH);
    const frame = (text: string) => `## ${text.padEnd(inner - 2)} ##`;
    const headline = [
      'gitfence BLOCKED THIS COMMAND',
      'MAXIMUM ALERT: it would destroy',
      'uncommitted work that cannot be',
      'recovered. It did NOT run.',
      '',
    ];
    const art = STOP.map((line, i) => frame(`${line}    ${headline[i] ?? ''}`));
    const paint = (line: string) => c.bold(c.red(line));
    return [
      BELL.repeat(3),
      paint(bar),
      paint(bar),
      ...art.map(paint),
      paint(frame('')),
      ...body.map((line) => `${c.red('##')} ${line.padEnd(inner - 2)} ${c.red('##')}`),
      paint(frame('')),
      paint(bar),
      paint(bar),
    ].join('\n');
  }

  const top = `+${'-'.repeat(WIDTH - 2)}+`;
  const row = (text: string) => `| ${text.padEnd(inner)} |`;
  return [
    BELL,
    c.yellow(top),
    c.yellow(row('!! gitfence denied this git command. It did not run.')),
    c.yellow(top),
    ...body.map((line) => `${c.yellow('|')} ${line.padEnd(inner)} ${c.yellow('|')}`),
    c.yellow(top),
  ].join('\n');
}

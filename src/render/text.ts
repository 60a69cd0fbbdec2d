/** Small text helpers shared by the renderers. */
import type { Decision, RuleMatch, RuleSource } from '../evaluate/types.js';

/** One line: newlines and runs of space collapse so an agent's log stays one record per denial. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Greedy word wrap to `width` columns. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of oneLine(text).split(' ')) {
    if (line === '') line = word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  // A single word longer than the width is cut, never left to overflow the screen.
  return lines.flatMap((l) =>
    l.length <= width ? [l] : (l.match(new RegExp(`.{1,${width}}`, 'g')) ?? []),
  );
}

export function describeSource(source: RuleSource): string {
  return [source.layer, source.file, source.path].filter(Boolean).join(' › ');
}

/** The denial to show first: the loudest, then the earliest. */
export function primaryDenial(decision: Decision): RuleMatch | undefined {
  const denials = decision.matches.filter((m) => m.outcome === 'deny');
  return denials.find((m) => m.alert === 'maximum') ?? denials[0];
}

export const DEFAULT_INSTEAD = 'leave this to the orchestrator, or ask a human to run it';

/** A shell-quoted git command line, for showing what was decided. */
export function renderCommand(argv: readonly string[]): string {
  return ['git', ...argv]
    .map((word) => (/^[\w@%+=:,./^~-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`))
    .join(' ');
}

/**
 * The shell-profile snippet: prepends the shim dir to PATH only in agent sessions (an agent
 * marker variable is set). One clearly marked block per file, replaced in place on reinstall.
 */
import { shQuote } from './template.js';

export const BLOCK_BEGIN = '# >>> gitfence shim >>>';
export const BLOCK_END = '# <<< gitfence shim <<<';

export type ShellKind = 'sh' | 'fish';

/** Startup files under $HOME, relative, and the syntax each one takes. */
export const PROFILE_FILES: ReadonlyArray<{ file: string; kind: ShellKind }> = [
  { file: '.bashrc', kind: 'sh' },
  { file: '.bash_profile', kind: 'sh' },
  { file: '.profile', kind: 'sh' },
  { file: '.zshenv', kind: 'sh' },
  { file: '.zprofile', kind: 'sh' },
  { file: '.zshrc', kind: 'sh' },
  { file: '.config/fish/conf.d/gitfence.fish', kind: 'fish' },
];

export function renderProfileBlock(
  kind: ShellKind,
  shimDir: string,
  markers: readonly string[],
): string {
  const note =
    '# Added by `gitfence shim install --profile`; `gitfence shim uninstall` removes it.';
  if (kind === 'fish') {
    const tests = markers.map((m) => `set -q ${m}`).join('; or ');
    const dir = `'${shimDir.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
    return [
      BLOCK_BEGIN,
      note,
      `if ${tests}`,
      `    if test "$PATH[1]" != ${dir}`,
      `        set -gx PATH ${dir} $PATH`,
      '    end',
      'end',
      BLOCK_END,
      '',
    ].join('\n');
  }
  const any = markers.map((m) => `\${${m}+x}`).join('');
  const dir = shQuote(shimDir);
  return [
    BLOCK_BEGIN,
    note,
    `if [ -n "${any}" ]; then`,
    `  case "$PATH" in ${dir}:*) ;; *) PATH=${dir}:"$PATH"; export PATH ;; esac`,
    'fi',
    BLOCK_END,
    '',
  ].join('\n');
}

/** The file's text with the block removed (and the one blank line install put before it). */
export function removeProfileBlock(text: string): string {
  const start = text.indexOf(BLOCK_BEGIN);
  if (start === -1) return text;
  const endMarker = text.indexOf(BLOCK_END, start);
  if (endMarker === -1) return text;
  let end = endMarker + BLOCK_END.length;
  if (text[end] === '\n') end++;
  let begin = start;
  if (begin >= 2 && text.slice(begin - 2, begin) === '\n\n') begin--;
  return text.slice(0, begin) + text.slice(end);
}

/** The file's text with exactly one current block: replaced in place, else appended. */
export function upsertProfileBlock(text: string, block: string): string {
  const start = text.indexOf(BLOCK_BEGIN);
  const endMarker = start === -1 ? -1 : text.indexOf(BLOCK_END, start);
  if (start !== -1 && endMarker !== -1) {
    let end = endMarker + BLOCK_END.length;
    if (text[end] === '\n') end++;
    return text.slice(0, start) + block + text.slice(end);
  }
  if (text === '') return block;
  return `${text}${text.endsWith('\n') ? '' : '\n'}\n${block}`;
}

export function hasProfileBlock(text: string): boolean {
  return text.includes(BLOCK_BEGIN) && text.includes(BLOCK_END);
}

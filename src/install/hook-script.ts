/**
 * The husky hook scripts gitfence manages, pure: one marked block per `.husky/<hook>` file, put in
 * front of whatever the project already had there (chaining, never replacing).
 */

export const BLOCK_START =
  '# >>> gitfence >>> managed by `gitfence init`; edits inside this block are replaced';
export const BLOCK_END = '# <<< gitfence <<<';

/** Hooks gitfence itself runs a check in. */
export const GITFENCE_HOOKS = ['pre-push', 'pre-commit'] as const;
export type GitfenceHook = (typeof GITFENCE_HOOKS)[number];

export interface HookTemplates {
  /** `hooks/gitfence-run.sh`: defines `gitfence_run`, with @NODE@, @CLI@ and @GIT@. */
  run: string;
  /** `hooks/<hook>` bodies, with @RUN@ and @CHAIN@. */
  hooks: Record<GitfenceHook, string>;
}

export const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/** One line per chained hook: run it if it is still there and executable; its failure fails the hook. */
export function renderChainLines(chained: readonly string[], stdinFile: string | null): string {
  return chained
    .map((file) => {
      const q = shellQuote(file);
      const input = stdinFile ? ` < "${stdinFile}"` : '';
      const cleanup = stdinFile ? ` rm -f "${stdinFile}";` : '';
      return `if [ -x ${q} ]; then ${q} "$@"${input} || { gitfence_rc=$?;${cleanup} exit "$gitfence_rc"; }; fi`;
    })
    .join('\n');
}

export interface BlockInput {
  hook: string;
  nodePath: string;
  cliPath: string;
  /** The real git (absolute, never the shim) gitfence reads with inside the hook. */
  gitPath: string;
  /** Absolute (or worktree-relative) paths of hooks that core.hooksPath would otherwise shadow. */
  chained: readonly string[];
}

/** The managed block for one hook; hooks gitfence does not check only chain. */
export function renderHookBlock(templates: HookTemplates, input: BlockInput): string {
  const isOwn = (GITFENCE_HOOKS as readonly string[]).includes(input.hook);
  let body: string;
  if (isOwn) {
    const run = templates.run
      .replace('@NODE@', () => shellQuote(input.nodePath))
      .replace('@CLI@', () => shellQuote(input.cliPath))
      .replace('@GIT@', () => shellQuote(input.gitPath))
      .trimEnd();
    const stdinFile = input.hook === 'pre-push' ? '$gitfence_in' : null;
    body = templates.hooks[input.hook as GitfenceHook]
      .replace('@RUN@', () => run)
      .replace('@CHAIN@', () => renderChainLines(input.chained, stdinFile))
      .replace(/\n{3,}/g, '\n\n')
      .trimEnd();
  } else {
    body = [
      `# hooks that core.hooksPath would otherwise shadow, run as before`,
      renderChainLines(input.chained, null),
    ].join('\n');
  }
  return `${BLOCK_START}\n${body}\n${BLOCK_END}\n`;
}

/**
 * The new content of `.husky/<hook>`: the block replaced in place when present, else inserted after
 * a shebang line or at the top, so the project's own commands still run after it.
 */
export function mergeHookScript(existing: string | null, block: string): string {
  if (existing === null || existing.trim() === '') return block;
  const start = existing.indexOf(BLOCK_START);
  const endAt = existing.indexOf(BLOCK_END, start);
  if (start >= 0 && endAt > start) {
    let end = endAt + BLOCK_END.length;
    if (existing[end] === '\n') end += 1;
    return existing.slice(0, start) + block + existing.slice(end);
  }
  if (existing.startsWith('#!')) {
    const newline = existing.indexOf('\n');
    if (newline < 0) return `${existing}\n${block}`;
    return existing.slice(0, newline + 1) + block + existing.slice(newline + 1);
  }
  return block + existing;
}

/** Strip the managed block (for uninstall and for reading what the project had). */
export function removeHookBlock(existing: string): string {
  const start = existing.indexOf(BLOCK_START);
  const endAt = existing.indexOf(BLOCK_END, start);
  if (start < 0 || endAt < 0) return existing;
  let end = endAt + BLOCK_END.length;
  if (existing[end] === '\n') end += 1;
  return existing.slice(0, start) + existing.slice(end);
}

/** Placeholder for commands whose issue has not landed: says so plainly and fails as an internal error. */
import { GitfenceError } from '../errors.js';
import type { Command } from './context.js';

export function notYetAvailable(name: string, summary: string): Command {
  return {
    name,
    summary,
    usage: `gitfence ${name}: ${summary}\n\nnot yet available in this version of gitfence.`,
    run: async () => {
      throw new GitfenceError('NOT_IMPLEMENTED', `\`gitfence ${name}\` is not yet available`, {
        hint: 'see the README for what this version provides',
      });
    },
  };
}

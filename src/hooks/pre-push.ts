import { GitfenceError } from '../errors.js';
import type { CliContext, CommandResult } from '../cli/context.js';

export async function run(_context: CliContext): Promise<CommandResult> {
  throw new GitfenceError('NOT_IMPLEMENTED', '`gitfence hook pre-push` is not yet available');
}

/** The hook stubs shipped in the package's top-level `hooks/` folder, read at install time. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GitfenceError } from '../errors.js';
import type { HookTemplates } from './hook-script.js';

export async function loadHookTemplates(packageRoot: string): Promise<HookTemplates> {
  const dir = join(packageRoot, 'hooks');
  const read = async (name: string) => {
    try {
      return await readFile(join(dir, name), 'utf8');
    } catch (error) {
      throw new GitfenceError('INTERNAL', 'a hook stub is missing from the gitfence package', {
        where: join(dir, name),
        got: (error as NodeJS.ErrnoException).code ?? String(error),
        hint: 'reinstall gitfence',
      });
    }
  };
  const [run, prePush, preCommit] = await Promise.all([
    read('gitfence-run.sh'),
    read('pre-push'),
    read('pre-commit'),
  ]);
  return { run, hooks: { 'pre-push': prePush, 'pre-commit': preCommit } };
}

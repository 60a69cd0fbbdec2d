/** `gitfence check` as its own one-file bundle: every git decision pays only for this command's code. */
import { runCheckProcess } from './commands/check.js';

process.exitCode = await runCheckProcess(process.argv.slice(2));

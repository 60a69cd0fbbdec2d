/** `gitfence check` as its own one-file bundle: every git decision pays only for this command's code. */
import { runCheckProcess } from './commands/check.js';
import { hotContext } from './hot-stdio.js';

void runCheckProcess(process.argv.slice(2), hotContext()).then((code) => {
  process.exitCode = code;
});

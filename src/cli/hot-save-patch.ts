/** `save-patch` (and `gitfence save-patch`) as its own one-file bundle: no command table, no ES module loader. */
import { runSavePatchProcess } from './commands/save-patch.js';
import { hotContext } from './hot-stdio.js';

void runSavePatchProcess(process.argv.slice(2), hotContext()).then((code) => {
  // Everything is written (synchronously) by now: exit without waiting for V8's idle-time tasks
  process.exit(code);
});

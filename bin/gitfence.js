#!/usr/bin/env node
// CommonJS (bin/package.json), like the hot bundles it starts: no ES module loader on the hot path.
/* global require */
/* eslint-disable @typescript-eslint/no-require-imports */
const argv = process.argv;
// `check`, the pre-push hook and the agent hooks run on the hot path: each has its own one-file bundle.
if (argv[2] === 'check') {
  argv.splice(2, 1);
  require('../dist/hot/check.cjs');
} else if (argv[2] === 'save-patch') {
  // agents save their scoped work often: its own bundle too, with the same output as the full CLI
  argv.splice(2, 1);
  require('../dist/hot/save-patch.cjs');
} else if (argv[2] === 'hook' && argv[3] === 'pre-push') {
  argv.splice(2, 2);
  require('../dist/hot/pre-push.cjs');
} else if (argv[2] === 'hook' && (argv[3] === 'claude-code' || argv[3] === 'gemini')) {
  // agent hooks: their own bundle, which also never exits 1 (Claude Code reads 1 as "allow")
  argv.splice(2, 1);
  require('../dist/agent-hook.cjs');
} else {
  import('../dist/cli/main.js').then(({ run }) => run(argv.slice(2)));
}

#!/usr/bin/env node
// CommonJS (bin/package.json), like the hot bundles it starts: no ES module loader on the hot path.
/* global require */
/* eslint-disable @typescript-eslint/no-require-imports */
const argv = process.argv;
// `check` and the pre-push hook run on the hot path of agent tooling: each has its own one-file bundle.
if (argv[2] === 'check') {
  argv.splice(2, 1);
  require('../dist/hot/check.cjs');
} else if (argv[2] === 'hook' && argv[3] === 'pre-push') {
  argv.splice(2, 2);
  require('../dist/hot/pre-push.cjs');
} else {
  import('../dist/cli/main.js').then(({ run }) => run(argv.slice(2)));
}

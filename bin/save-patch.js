#!/usr/bin/env node
// CommonJS (bin/package.json): the CLI itself is an ES module, loaded dynamically.
import('../dist/cli/main.js').then(({ run }) => run(['save-patch', ...process.argv.slice(2)]));

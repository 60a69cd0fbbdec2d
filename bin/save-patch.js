#!/usr/bin/env node
// CommonJS (bin/package.json), like the one-file bundle it starts: no ES module loader, no command table.
/* global require */
/* eslint-disable @typescript-eslint/no-require-imports */
require('../dist/hot/save-patch.cjs');

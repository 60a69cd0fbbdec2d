#!/usr/bin/env node
import { run } from '../dist/cli/main.js';

await run(['save-patch', ...process.argv.slice(2)]);

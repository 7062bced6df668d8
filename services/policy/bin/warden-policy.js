#!/usr/bin/env node
// The CLI is written in TypeScript and compiled to dist/ by `npm ci` (the root `prepare` script).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
});

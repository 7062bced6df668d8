#!/usr/bin/env node
// The server is written in TypeScript and compiled to dist/ by `npm ci` (the root `prepare` script).
import { main } from '../dist/cli.js';

process.exitCode = await main(process.argv.slice(2));

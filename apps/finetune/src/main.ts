#!/usr/bin/env node
import { runCli } from './cli.js';

// `pnpm finetune [flags]` (root script: tsx --conditions=@bigs/source apps/finetune/src/main.ts).
const code = await runCli(process.argv.slice(2));
process.exit(code);

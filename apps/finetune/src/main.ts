#!/usr/bin/env node
import { fileURLToPath } from 'node:url';
import { attachToLauncher, runSupervised, shouldSupervise } from '@bigs/trainer';
import { runCli } from './cli.js';

// `pnpm finetune [flags]` (root script: tsx --conditions=@bigs/source apps/finetune/src/main.ts).
// This process stays an idle launcher that answers SIGINT/SIGTERM at once while the training child may be busy in
// a synchronous step; a second signal stops the child now (see `runSupervised` of @bigs/trainer).
// `BIGS_NO_SUPERVISOR=1` trains in this process.
if (shouldSupervise()) {
  process.exit(await runSupervised({ script: fileURLToPath(import.meta.url), argv: process.argv.slice(2) }));
} else {
  attachToLauncher();
  const code = await runCli(process.argv.slice(2));
  process.exit(code);
}

#!/usr/bin/env node
/**
 * `pnpm pretrain [flags]`: masked-LM pretraining (see `--help` and README.md). Paths are resolved against the
 * directory the command was typed in (`INIT_CWD` under pnpm).
 */
import { runPretrain } from './pretrain.js';

if (process.env.INIT_CWD && process.env.INIT_CWD !== process.cwd()) process.chdir(process.env.INIT_CWD);

process.exitCode = await runPretrain(process.argv.slice(2));

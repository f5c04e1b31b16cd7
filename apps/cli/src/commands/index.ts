import type { CommandGroup } from '../router.js';
import { analyzeCommands } from './analyze.js';
import { classifyCommands } from './classify.js';
import { dataCommands } from './data.js';
import { embedCommands } from './embed.js';
import { exportCommands } from './export.js';
import { fillMaskCommands } from './fill-mask.js';
import { predictCommands } from './predict.js';

/**
 * Every command group of `bigs`, in help order. To add a group (`predict`, `analyze`, …), write
 * `src/commands/<group>.ts` exporting a {@link CommandGroup} and add it here.
 */
export const COMMAND_GROUPS: CommandGroup[] = [
  dataCommands,
  predictCommands,
  fillMaskCommands,
  classifyCommands,
  embedCommands,
  analyzeCommands,
  exportCommands,
];

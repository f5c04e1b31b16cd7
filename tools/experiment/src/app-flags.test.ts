/**
 * The commands the experiment spawns parse under the apps' own command-line definitions (the same @bigs/cli-kit
 * specs `pnpm pretrain` / `pnpm finetune` use), so a change of the apps' flag grammar fails here, not an hour
 * into a run.
 */
import { describe, expect, it } from 'vitest';
import { FINETUNE_COMMAND } from '../../../apps/finetune/src/options.js';
import { PRETRAIN_COMMAND } from '../../../apps/pretrain/src/flags.js';
import { parseCommand } from '../../../packages/cli-kit/src/command.js';
import { resolveBudget } from './budget.js';
import { findTasks, finetuneArgs, pretrainArgs } from './plan.js';

describe('spawned app commands', () => {
  const budget = resolveBudget('small');
  it('pretrain flags parse under PRETRAIN_COMMAND', () => {
    const [app, ...argv] = pretrainArgs('/o', 'gated-ssm', 42, budget, 'auto');
    expect(app).toBe('pretrain');
    const p = parseCommand(PRETRAIN_COMMAND, argv);
    expect(p.help).toBe(false);
  });
  it('finetune flags parse under FINETUNE_COMMAND (booleans as --no-x)', () => {
    const [task] = findTasks(undefined);
    const [app, ...argv] = finetuneArgs('/o', 'stack-attention', 43, task!, budget, 'auto');
    expect(app).toBe('finetune');
    const p = parseCommand(FINETUNE_COMMAND, argv);
    expect(p.help).toBe(false);
    if (!p.help) expect([p.values['do-predict'], p.values['save-model']]).toEqual([false, false]);
  });
});

/** The command-line reference page is generated from the commands' definitions and cannot drift from them. */
import { readFileSync } from 'node:fs';
import { allFlags } from '@bigs/cli-kit';
import { describe, expect, it } from 'vitest';
import { COMMAND_GROUPS } from '../../cli/src/commands/index.js';
import { allCommandSpecs } from '../../cli/src/router.js';
import { FINETUNE_COMMAND } from '../../finetune/src/options.js';
import { PRETRAIN_COMMAND } from '../../pretrain/src/flags.js';
import { CLI_PAGE, pageWithReference, renderCliReference } from '../scripts/gen-cli.js';

describe('guide/cli.md', () => {
  const page = readFileSync(CLI_PAGE, 'utf8');

  it('holds exactly the reference generated from the command definitions (regenerate: pnpm --filter @bigs/docs docs:cli)', () => {
    expect(page).toBe(pageWithReference(page));
  });

  it('has a section for every command with every flag, --config included', () => {
    const ref = renderCliReference();
    for (const cmd of [PRETRAIN_COMMAND, FINETUNE_COMMAND, ...allCommandSpecs('bigs', COMMAND_GROUPS)]) {
      expect(ref).toContain(`\`${cmd.usage}\` {#${cmd.usage.replace(/\s+/g, '-')}}`);
      for (const f of allFlags(cmd))
        expect(ref, `${cmd.usage} --${f.name}`).toMatch(new RegExp(`[-\\]]${f.name}\\b`));
    }
  });
});

import type { FillMaskResult } from '@bigs/pipelines';
import type { CliIO, Command, CommandGroup, ParsedFlags } from '../router.js';
import { UsageError } from '../router.js';
import { cell, fmtScore, runTextPipeline, table, textCommandFlags } from './text-io.js';

/** The readable table of fill-mask results: per input, per [MASK], the candidates. */
export function fillMaskTable(results: readonly FillMaskResult[]): string {
  return results
    .map((r) => {
      const head = `${cell(r.text, 100)}${r.truncated ? '  (truncated)' : ''}\n`;
      return (
        head +
        r.masks
          .map((m, j) => {
            const title = r.masks.length > 1 ? `[MASK] ${j + 1} of ${r.masks.length}\n` : '';
            const rows = m.predictions.map((p, k) => [
              String(k + 1),
              p.tokenStr,
              fmtScore(p.score),
              cell(p.sequence, 72),
            ]);
            return title + table(['#', 'token', 'score', 'sequence'], rows, [0, 2]);
          })
          .join('')
      );
    })
    .join('\n');
}

async function run(flags: ParsedFlags, io: CliIO): Promise<number> {
  const topK = flags['top-k'] as number;
  if (topK < 1) throw new UsageError(`--top-k must be >= 1, got ${topK}`);
  const { results } = await runTextPipeline(
    'fill-mask',
    flags,
    io,
    (fill, inputs, o: { topK: number }) => {
      const paired = inputs.find((x) => x.pair !== null);
      if (paired) throw new UsageError(`${paired.label}: fill-mask takes single texts, not pairs`);
      return fill(
        inputs.map((x) => x.text),
        o,
      );
    },
    { topK },
  );
  if (flags.json) io.stdout(results.map((r) => `${JSON.stringify(r)}\n`).join(''));
  else io.stdout(fillMaskTable(results));
  return 0;
}

const fillMaskRun: Command = {
  name: 'run',
  summary: 'Predict the words behind [MASK]: top-k tokens with scores and the filled sentence.',
  details:
    'Example: pnpm --silent bigs fill-mask --model runs/pretrain-tiny "the old [MASK] told a story"\n' +
    'Each [MASK] gets its own top-k. Needs a model with a masked-LM head (pnpm pretrain writes one). With --json,\n' +
    'one line per input: {"text", "masks": [{"position", "start", "end", "predictions": [{"token", "tokenStr",\n' +
    '"score", "sequence"}]}], "filled", "numTokens", "truncated", …}.',
  positionals: { name: 'TEXT', description: 'Texts with [MASK] (one input each).' },
  flags: [
    ...textCommandFlags({ pair: false }),
    { name: 'top-k', type: 'integer', default: 5, placeholder: 'K', description: 'Candidates per [MASK].' },
  ],
  run,
};

/** `bigs fill-mask …` */
export const fillMaskCommands: CommandGroup = {
  name: 'fill-mask',
  summary: 'Fill in [MASK] with a masked-LM model (@bigs/pipelines).',
  commands: [fillMaskRun],
  defaultCommand: 'run',
};

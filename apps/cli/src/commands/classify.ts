import type { TextClassificationResult } from '@bigs/pipelines';
import type { CliIO, Command, CommandGroup, ParsedFlags } from '../router.js';
import { UsageError } from '../router.js';
import { type CliTextInput, cell, fmtScore, runTextPipeline, table, textCommandFlags } from './text-io.js';

/** The readable table of classification results: one row per input, best label first, the others after. */
export function classifyTable(
  inputs: readonly CliTextInput[],
  results: readonly TextClassificationResult[],
): string {
  const regression = results[0]?.problemType === 'regression';
  const rows = results.map((r, i) => {
    const text = inputs[i]!.pair === null ? cell(r.text) : `${cell(r.text, 30)} ‖ ${cell(r.pair ?? '', 30)}`;
    const others = r.labels
      .slice(1)
      .map((l) => `${l.label} ${fmtScore(l.score)}`)
      .join(', ');
    return [text + (r.truncated ? ' (truncated)' : ''), r.label, fmtScore(r.score), others];
  });
  const header = ['text', 'label', regression ? 'value' : 'score', 'other labels'];
  if (rows.every((r) => r[3] === '')) {
    return table(
      header.slice(0, 3),
      rows.map((r) => r.slice(0, 3)),
      [2],
    );
  }
  return table(header, rows, [2]);
}

async function run(flags: ParsedFlags, io: CliIO): Promise<number> {
  const k = flags['top-k'] as number | undefined;
  if (k !== undefined && k < 1) throw new UsageError(`--top-k must be >= 1, got ${k}`);
  const { inputs, results } = await runTextPipeline(
    'text-classification',
    flags,
    io,
    (classify, xs, o: { topK: number | 'all' }) =>
      classify(
        xs.map((x) => ({ text: x.text, pair: x.pair })),
        o,
      ),
    { topK: k ?? 'all' },
  );
  if (flags.json) io.stdout(results.map((r) => `${JSON.stringify(r)}\n`).join(''));
  else io.stdout(classifyTable(inputs, results));
  return 0;
}

const classifyRun: Command = {
  name: 'run',
  summary: 'Classify texts or text pairs: labels from the model config (id2label) with scores.',
  details:
    'Example: pnpm --silent bigs classify --model runs/finetune-sst2 "a gripping tale" --pair "a dull mess"\n' +
    'Needs a sequence-classification model (pnpm finetune writes one). Scores are softmax probabilities, or the\n' +
    'predicted value for a one-label (regression) model. With --json, one line per input: {"text", "pair",\n' +
    '"label", "score", "labels": [{"id", "label", "score"}], "logits", "problemType", "truncated", …}.',
  positionals: { name: 'TEXT', description: 'Texts to classify (one input each).' },
  flags: [
    ...textCommandFlags({ pair: true }),
    {
      name: 'top-k',
      type: 'integer',
      placeholder: 'K',
      description: 'Labels per input, best first (default: all).',
    },
  ],
  run,
};

/** `bigs classify …` */
export const classifyCommands: CommandGroup = {
  name: 'classify',
  summary: 'Classify texts with a finetuned model (@bigs/pipelines).',
  commands: [classifyRun],
  defaultCommand: 'run',
};

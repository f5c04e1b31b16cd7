import { type FeatureExtractionResult, POOLINGS, type Pooling } from '@bigs/pipelines';
import type { CliIO, Command, CommandGroup, ParsedFlags } from '../router.js';
import { cell, runTextPipeline, table, textCommandFlags } from './text-io.js';

const norm = (v: readonly number[]) => Math.hypot(...v);
const head = (v: readonly number[], n = 4) =>
  v
    .slice(0, n)
    .map((x) => x.toFixed(4))
    .join(' ') + (v.length > n ? ' …' : '');

/** The readable table of embeddings: one row per input (pooled), or one row per token (`--pooling none`). */
export function embedTable(results: readonly FeatureExtractionResult[]): string {
  if (results[0]?.pooling !== 'none') {
    const rows = results.map((r) => [
      cell(r.pair === null ? r.text : `${r.text} ‖ ${r.pair}`) + (r.truncated ? ' (truncated)' : ''),
      String(r.numTokens),
      String(r.embedding!.length),
      norm(r.embedding!).toFixed(4),
      head(r.embedding!),
    ]);
    return table(['text', 'tokens', 'dims', 'norm', 'values'], rows, [1, 2, 3]);
  }
  return results
    .map((r) => {
      const rows = r.tokenEmbeddings!.map((v, t) => [String(t), r.tokens[t]!, norm(v).toFixed(4), head(v)]);
      return `${cell(r.text, 100)}${r.truncated ? '  (truncated)' : ''}\n${table(['#', 'token', 'norm', 'values'], rows, [0, 2])}`;
    })
    .join('\n');
}

async function run(flags: ParsedFlags, io: CliIO): Promise<number> {
  const options = { pooling: flags.pooling as Pooling, normalize: flags.normalize === true };
  const { results } = await runTextPipeline(
    'feature-extraction',
    flags,
    io,
    (embed, xs, o: typeof options) =>
      embed(
        xs.map((x) => ({ text: x.text, pair: x.pair })),
        o,
      ),
    options,
  );
  if (flags.json) io.stdout(results.map((r) => `${JSON.stringify(r)}\n`).join(''));
  else io.stdout(embedTable(results));
  return 0;
}

const embedRun: Command = {
  name: 'run',
  summary: "Embed texts: the model's last hidden state, mean-pooled over real tokens, [CLS], or per token.",
  details:
    'Example: pnpm --silent bigs embed --model runs/pretrain-tiny --input sentences.txt --json > vectors.jsonl\n' +
    'mean = the mean over the non-padding tokens ([CLS]/[SEP] included), the pooling of the BiGS pooler before its\n' +
    'dense + tanh. Works with any model (heads are not used). With --json, one line per input: {"text", "pair",\n' +
    '"pooling", "embedding": [H] (null with none), "tokenEmbeddings": [[H], …] (none), "tokens", "truncated", …}.',
  positionals: { name: 'TEXT', description: 'Texts to embed (one input each).' },
  flags: [
    ...textCommandFlags({ pair: true }),
    {
      name: 'pooling',
      type: 'string',
      choices: POOLINGS,
      default: 'mean',
      description: 'mean over real tokens, the [CLS] vector, or none (one vector per token).',
    },
    { name: 'normalize', type: 'boolean', description: 'Divide each vector by its L2 norm.' },
  ],
  run,
};

/** `bigs embed …` */
export const embedCommands: CommandGroup = {
  name: 'embed',
  summary: 'Embed texts with any model (@bigs/pipelines).',
  commands: [embedRun],
  defaultCommand: 'run',
};

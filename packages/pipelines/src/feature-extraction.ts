import { poolHiddenStates } from '@bigs/models';
import { forEachBatch, makeCallable, type PipelineContext, resultBase } from './context.js';
import { encodeInputs, textPair } from './encode.js';
import type { PipelineBase, ResultBase, TextInput } from './types.js';

/**
 * How token vectors become one vector: `mean` = mean over the real (non-padding) tokens, `[CLS]`/`[SEP]`
 * included — the `non_padding_mean` of the BiGS pooler, before its dense + tanh; `cls` = the `[CLS]` vector;
 * `none` = no pooling: one vector per real token.
 */
export type Pooling = 'mean' | 'cls' | 'none';

export const POOLINGS: readonly Pooling[] = ['mean', 'cls', 'none'];

/** Options of one feature-extraction call. */
export interface FeatureExtractionCallOptions {
  /** Default `mean`. */
  pooling?: Pooling;
  /** Divide each vector by its L2 norm (default false). */
  normalize?: boolean;
}

/** Feature-extraction answer for one input: the last hidden state, pooled or per token. */
export interface FeatureExtractionResult extends ResultBase {
  pooling: Pooling;
  /** `[H]` the pooled vector (`mean`, `cls`); null with `none`. */
  embedding: number[] | null;
  /** `[numTokens, H]` one vector per real token (`none`); null otherwise. */
  tokenEmbeddings: number[][] | null;
  /** The tokens (`[CLS]` … `[SEP]`), as fed to the model. */
  tokens: string[];
}

/** A feature-extraction pipeline: `await embed('a text', { pooling: 'mean' })` → `embedding` `[H]`. */
export interface FeatureExtractionPipeline extends PipelineBase<'feature-extraction'> {
  (input: TextInput, options?: FeatureExtractionCallOptions): Promise<FeatureExtractionResult>;
  (inputs: readonly TextInput[], options?: FeatureExtractionCallOptions): Promise<FeatureExtractionResult[]>;
}

function l2normalize(v: number[]): number[] {
  let s = 0;
  for (const x of v) s += x * x;
  const n = Math.sqrt(s);
  return n > 0 ? v.map((x) => x / n) : v;
}

async function runFeatureExtraction(
  ctx: PipelineContext<'feature-extraction'>,
  inputs: readonly TextInput[],
  options: FeatureExtractionCallOptions,
): Promise<FeatureExtractionResult[]> {
  const pooling = options.pooling ?? 'mean';
  if (!POOLINGS.includes(pooling)) {
    throw new Error(
      `feature-extraction: option pooling must be one of ${POOLINGS.join(' | ')}, got ${JSON.stringify(pooling)}`,
    );
  }
  const norm = options.normalize ?? false;
  const rows = encodeInputs(
    ctx.tokenizer,
    inputs.map((x, i) => textPair(x, i, 'feature-extraction')),
    ctx.plan,
    'feature-extraction',
  );
  const backbone = ctx.model.backbone;
  const h = ctx.model.config.hiddenSize;
  return forEachBatch(
    ctx,
    rows,
    (batch) => {
      const last = backbone.forward(batch).lastHiddenState; // [B, L, H]
      if (pooling === 'none') return last;
      return poolHiddenStates(
        last,
        batch.attentionMask,
        pooling === 'mean' ? 'non_padding_mean' : 'first_token',
      ); // [B, H]
    },
    (data, part, length) =>
      part.map((row, b) => {
        const n = row.encoding.inputIds.length;
        const base = { ...resultBase(row), pooling, tokens: row.encoding.tokens!.slice() };
        if (pooling === 'none') {
          const vecs: number[][] = [];
          for (let t = 0; t < n; t++) {
            const v = Array.from(data.subarray((b * length + t) * h, (b * length + t + 1) * h));
            vecs.push(norm ? l2normalize(v) : v);
          }
          return { ...base, embedding: null, tokenEmbeddings: vecs };
        }
        const v = Array.from(data.subarray(b * h, (b + 1) * h));
        return { ...base, embedding: norm ? l2normalize(v) : v, tokenEmbeddings: null };
      }),
  );
}

/** Build the feature-extraction pipeline of a loaded context (use {@link pipeline}). */
export function createFeatureExtraction(
  ctx: PipelineContext<'feature-extraction'>,
): FeatureExtractionPipeline {
  return makeCallable<
    'feature-extraction',
    FeatureExtractionCallOptions,
    FeatureExtractionResult,
    FeatureExtractionPipeline
  >(ctx, (inputs, o) => runFeatureExtraction(ctx, inputs, o));
}

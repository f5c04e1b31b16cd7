/**
 * Pipelines: text in, answers out. A tiny random masked-LM and a tiny classifier are saved with the embedded
 * tokenizer (the way `pnpm pretrain` / `pnpm finetune` save theirs), then asked in words.
 * `fillMaskFromUrl` is the browser way: the model's files fetched from a URL (the docs demo model in the test).
 * Included in guide/pipelines.md; type-checked and run by test/examples.test.ts.
 */
// #region usage
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embeddedTokenizerDir } from '@bigs/data';
import { createConfig, createModel, savePretrained, TINY } from '@bigs/models';
import { fetchModelFiles, pipeline } from '@bigs/pipelines';
import { initEngine } from '@bigs/ssm-kernels';

export async function pipelinesExample() {
  await initEngine({ backend: 'cpu', quiet: true }); // once per process; apps use 'auto'
  const dir = await mkdtemp(join(tmpdir(), 'bigs-docs-pipelines-'));
  try {
    // Two model dirs as the apps write them: config.json + model.safetensors + the tokenizer's files.
    const tok = embeddedTokenizerDir();
    const tokenizerFiles = {
      'vocab.txt': await readFile(join(tok, 'vocab.txt'), 'utf8'),
      'tokenizer.json': await readFile(join(tok, 'tokenizer.json'), 'utf8'),
    };
    const base = { ...TINY, vocabSize: 8192, maxPositionEmbeddings: 32 }; // H = 8, 2 layers, P = 32
    const labels = { id2label: { '0': 'negative', '1': 'positive' }, label2id: { negative: 0, positive: 1 } };
    const mlm = createModel(createConfig(base), 'masked-lm', { seed: 1 });
    const clf = createModel(createConfig({ ...base, numLabels: 2, ...labels }), 'sequence-classification');
    await savePretrained(mlm, join(dir, 'mlm'), { tokenizerFiles });
    await savePretrained(clf, join(dir, 'clf'), { tokenizerFiles });
    mlm.dispose();
    clf.dispose();

    // fill-mask: top-k per [MASK] (softmax over the vocabulary), the text with each candidate filled in.
    const fill = await pipeline('fill-mask', join(dir, 'mlm'));
    const answer = await fill('The old [MASK] told the children a story.', { topK: 3 });
    const best = answer.masks[0]!.predictions[0]!; // { token, tokenStr, score, sequence }

    // text-classification: names from config.json id2label, softmax scores; pairs as { text, pair }.
    const classify = await pipeline('text-classification', join(dir, 'clf'), { batchSize: 16 });
    const [single, pair] = await classify(
      ['a gripping tale', { text: 'the cat sat', pair: 'a cat was sitting' }],
      { topK: 'all' },
    );

    // feature-extraction: mean over the real tokens (the BiGS pooler's non_padding_mean), any model.
    const embed = await pipeline('feature-extraction', join(dir, 'mlm'));
    const vectors = await embed(['the old sailor', 'the sea'], { pooling: 'mean' });

    // Too long for the model: cut, with a note in the result (truncation: 'error' refuses instead).
    const long = await classify('word '.repeat(100));

    const result = {
      bestSequence: best.sequence, // 'The old <token> told the children a story.'
      candidates: answer.masks[0]!.predictions.length, // 3
      singleLabels: single!.labels.map((l) => l.label).sort(), // ['negative', 'positive']
      pairScoreSum: pair!.labels.reduce((s, l) => s + l.score, 0), // 1
      embeddingDims: vectors.map((v) => v.embedding!.length), // [8, 8]
      longTruncated: long.truncated, // true: 102 tokens cut to P = 32
      longTokens: [long.originalNumTokens, long.numTokens], // [102, 32]
    };
    for (const p of [fill, classify, embed]) p.dispose(); // frees the weights the pipelines loaded
    return result;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
// #endregion usage

// #region browser
// In a page (or anywhere fetch works): the model's files come from the URL of a served model directory.
// Bundlers pick the browser entries of @bigs/* (package.json `browser` condition); no Node built-in is imported.
export async function fillMaskFromUrl(baseUrl: string, text: string) {
  const files = await fetchModelFiles(baseUrl); // config.json, model.safetensors, tokenizer.json
  const fill = await pipeline('fill-mask', files);
  try {
    const r = await fill(text, { topK: 5 });
    return r.masks[0]!.predictions.map((p) => ({ token: p.tokenStr, score: p.score }));
  } finally {
    fill.dispose();
  }
}
// #endregion browser

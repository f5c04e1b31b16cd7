/**
 * Data: the embedded tokenizer, a GLUE split from the GLUE TSV layout, and pretraining shards read back as MLM
 * batches. Everything runs offline on files the example writes or the embedded corpus of @bigs/data.
 * Included in guide/data.md; type-checked and run by test/examples.test.ts.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// #region usage
import {
  buildShards,
  type CorpusDocument,
  fromBertTokenizer,
  glueNumLabels,
  loadEmbeddedTokenizer,
  loadGlue,
  MlmBatchLoader,
  ShardSet,
} from '@bigs/data';

export async function tokenizeAndBatch(workDir: string) {
  // 1. Tokenizer: the embedded uncased 8192-token WordPiece (or loadTokenizer('vocab.txt' | 'tokenizer.json')).
  const tok = await loadEmbeddedTokenizer();
  const enc = tok.encode('Call me Ishmael.', 'Some years ago.', { maxLength: 16, padding: 'max_length' });
  // enc.inputIds, enc.attentionMask, enc.tokenTypeIds: Int32Array [16]

  // 2. GLUE: the GLUE download layout (SST-2/dev.tsv); labels in HF `glue` order.
  const glueDir = join(workDir, 'glue');
  await mkdir(join(glueDir, 'SST-2'), { recursive: true });
  await writeFile(join(glueDir, 'SST-2', 'dev.tsv'), 'sentence\tlabel\na gripping tale\t1\na dull mess\t0\n');
  const sst2 = await loadGlue({ task: 'sst2', split: 'dev', dataDir: glueDir });
  // sst2: [{ idx: 0, textA: 'a gripping tale', textB: null, label: 1 }, …]

  // 3. Shards: documents → sentences → token ids → packed sequences → shard files + manifest.json.
  const docs: CorpusDocument[] = [
    {
      id: 'a',
      source: 'inline',
      paragraphs: ['Call me Ishmael. Some years ago, never mind how long precisely.'],
    },
    {
      id: 'b',
      source: 'inline',
      paragraphs: ['It is a way I have of driving off the spleen. Whenever I find myself.'],
    },
  ];
  const shardDir = join(workDir, 'shards');
  const manifest = await buildShards(docs, fromBertTokenizer(tok), {
    outDir: shardDir,
    maxSeqLength: 32,
    seed: 42,
  });
  // Masking happens at batch time (dynamic, seeded, resumable from `loader.cursor`).
  const loader = new MlmBatchLoader(ShardSet.open(shardDir), { batchSize: 2, seed: 42, maxEpochs: 1 });
  const batch = loader.next().value; // inputIds, labels, attentionMask: Int32Array [B·L]

  return {
    tokens: tok.convertIdsToTokens([...enc.inputIds.slice(0, 6)]),
    inputIdsLength: enc.inputIds.length, // 16
    sst2: sst2.map((e) => [e.textA, e.label]),
    sst2NumLabels: glueNumLabels('sst2'), // 2
    sequences: manifest.stats.sequences,
    batchShape: batch ? [batch.batchSize, batch.seqLength] : null,
    cursor: loader.cursor,
  };
}
// #endregion usage

/** Runs {@link tokenizeAndBatch} in a fresh temporary directory. */
export async function dataExample() {
  const dir = await mkdtemp(join(tmpdir(), 'bigs-docs-data-'));
  try {
    return await tokenizeAndBatch(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

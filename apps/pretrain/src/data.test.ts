import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embeddedCorpusPaths, loadEmbeddedTokenizer } from '@bigs/data';
import { afterAll, describe, expect, it } from 'vitest';
import { type DataOptions, prepareData } from './data.js';

const WORK = mkdtempSync(join(tmpdir(), 'pretrain-data-'));
afterAll(() => rmSync(WORK, { recursive: true, force: true }));

const tok = await loadEmbeddedTokenizer();
const options = (dir: string, extra: Partial<DataOptions>): DataOptions => ({
  validationSplitPercentage: 5,
  seqLength: 128,
  seed: 42,
  dataDir: join(WORK, dir),
  tokenizer: tok,
  masking: { maskProb: 0.15, wholeWord: false },
  batchSize: 8,
  evalBatchSize: 8,
  log: () => {},
  ...extra,
});

describe('--corpus (embedded texts by name)', () => {
  it('pretrains on the named texts only', async () => {
    const brown = await prepareData(options('brown', { corpus: ['brown'] }));
    const both = await prepareData(options('default', {}));
    // About 1.5 MB of Brown vs 2.5 MB of Moby-Dick + State of the Union: fewer sequences.
    expect(brown.numTrainSequences).toBeGreaterThan(1000);
    expect(brown.numTrainSequences).toBeLessThan(both.numTrainSequences * 0.8);
    const b = (await brown.train.next())!;
    const text = tok.decode(Array.from(b.data.inputIds), { skipSpecialTokens: true });
    expect(text.split(' ').length).toBeGreaterThan(50);
    expect(text).not.toMatch(/\/(at|nn|vbd|in)\b/); // Brown's part-of-speech tags are gone
    brown.close();
    both.close();
    expect(embeddedCorpusPaths(['brown', 'sotu']).length).toBe(2);
  });

  it('an unknown name or a clash with --train-files is an error naming the flag', async () => {
    await expect(prepareData(options('typo', { corpus: ['mobydick'] }))).rejects.toThrow(
      /--corpus: embedded corpus: no text named "mobydick" \(known: brown, moby-dick, sotu\)/,
    );
    await expect(
      prepareData(options('clash', { corpus: ['brown'], trainFiles: embeddedCorpusPaths(['sotu']) })),
    ).rejects.toThrow(/--corpus and --train-files exclude each other/);
  });
});

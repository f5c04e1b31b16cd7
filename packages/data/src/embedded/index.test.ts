import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { embeddedCorpusDir, embeddedCorpusPaths, embeddedTaskPaths, loadEmbeddedTokenizer } from './index.js';

describe('embedded corpus', () => {
  it('finds the pretraining text files', () => {
    const paths = embeddedCorpusPaths();
    expect(paths.map((p) => p.split(/[\\/]/).pop())).toEqual(['moby-dick.txt', 'sotu.txt']);
    let bytes = 0;
    for (const p of paths) bytes += statSync(p).size;
    expect(bytes).toBeGreaterThan(2e6);
    expect(bytes).toBeLessThan(5e6);
    expect(readFileSync(paths[0]!, 'utf8').startsWith('CHAPTER 1. Loomings.')).toBe(true);
    expect(statSync(`${embeddedCorpusDir()}/LICENSE`).isFile()).toBe(true);
  });

  it('has a labelled pair task with a header and binary labels', () => {
    const { train, dev, numLabels } = embeddedTaskPaths();
    expect(numLabels).toBe(2);
    for (const [p, n] of [
      [train, 6000],
      [dev, 1000],
    ] as const) {
      const rows = readFileSync(p, 'utf8').trimEnd().split('\n');
      expect(rows[0]).toBe('sentence1\tsentence2\tlabel');
      expect(rows.length - 1).toBe(n);
      const labels = rows.slice(1).map((r) => r.split('\t'));
      expect(labels.every((r) => r.length === 3 && (r[2] === '0' || r[2] === '1'))).toBe(true);
      const pos = labels.filter((r) => r[2] === '1').length / n;
      expect(pos).toBeGreaterThan(0.4);
      expect(pos).toBeLessThan(0.6);
    }
  });

  it('loads the shipped tokenizer (8192 tokens, uncased) with few [UNK]s on the corpus', async () => {
    const tok = await loadEmbeddedTokenizer();
    expect(tok.vocabSize).toBe(8192);
    expect(tok.basic.lowercase).toBe(true);
    expect(tok.tokenize('Call me Ishmael.')).toEqual(['call', 'me', 'ishmael', '.']);
    const text = readFileSync(embeddedTaskPaths().dev, 'utf8');
    const ids = tok.encode(text, null, { addSpecialTokens: false }).inputIds;
    let unk = 0;
    for (const id of ids) if (id === tok.unkTokenId) unk++;
    expect(unk / ids.length).toBeLessThan(0.005);
  });
});

import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  embeddedCorpusDir,
  embeddedCorpusNames,
  embeddedCorpusPaths,
  embeddedTaskPaths,
  loadEmbeddedTokenizer,
} from './index.js';

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

  it('selects texts by name, extra ones included, and names the known ones on a typo', () => {
    expect(embeddedCorpusNames()).toEqual(['brown', 'moby-dick', 'sotu']);
    const [brown] = embeddedCorpusPaths(['brown']);
    expect(brown!.split(/[\\/]/).slice(-2)).toEqual(['extra', 'brown.txt']);
    const text = readFileSync(brown!, 'utf8');
    expect(text.startsWith('The Fulton County Grand Jury said Friday')).toBe(true);
    expect(text).not.toMatch(/\/(at|nn|vbd)\b/); // part-of-speech tags removed
    expect(statSync(brown!).size).toBeGreaterThan(1e6);
    expect(() => embeddedCorpusPaths(['mobydick'])).toThrow(
      /no text named "mobydick" \(known: brown, moby-dick, sotu\)/,
    );
  });

  it('has the spam task (one text per row) as the default task, with binary labels', () => {
    const { train, dev, numLabels, columns } = embeddedTaskPaths();
    expect(numLabels).toBe(2);
    expect(columns).toEqual(['sentence1', 'label']);
    const texts = new Set<string>();
    for (const [p, n] of [
      [train, 4000],
      [dev, 1000],
    ] as const) {
      const rows = readFileSync(p, 'utf8').trimEnd().split('\n');
      expect(rows[0]).toBe('sentence1\tlabel');
      expect(rows.length - 1).toBe(n);
      const fields = rows.slice(1).map((r) => r.split('\t'));
      expect(fields.every((r) => r.length === 2 && (r[1] === '0' || r[1] === '1') && r[0]!.length > 10)).toBe(
        true,
      );
      const spam = fields.filter((r) => r[1] === '1').length / n;
      expect(spam).toBeGreaterThan(0.2);
      expect(spam).toBeLessThan(0.4);
      for (const r of fields) texts.add(r[0]!);
    }
    expect(texts.size).toBe(5000); // no mail in both splits, none twice
  });

  it('keeps the WordNet pair task by name, about balanced', () => {
    const { train, dev, columns } = embeddedTaskPaths('wordnet');
    expect(columns).toEqual(['sentence1', 'sentence2', 'label']);
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
    expect(() => embeddedTaskPaths('sst2' as 'spam')).toThrow(
      /no task named "sst2" \(known: spam, wordnet\)/,
    );
  });

  it('loads the shipped tokenizer (8192 tokens, uncased) with few [UNK]s on the corpus', async () => {
    const tok = await loadEmbeddedTokenizer();
    expect(tok.vocabSize).toBe(8192);
    expect(tok.basic.lowercase).toBe(true);
    expect(tok.tokenize('Call me Ishmael.')).toEqual(['call', 'me', 'ishmael', '.']);
    const text = readFileSync(embeddedTaskPaths('wordnet').dev, 'utf8');
    const ids = tok.encode(text, null, { addSpecialTokens: false }).inputIds;
    let unk = 0;
    for (const id of ids) if (id === tok.unkTokenId) unk++;
    expect(unk / ids.length).toBeLessThan(0.005);
  });
});

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test/helpers.js';
import {
  embeddedFiles,
  loadExamples,
  readPairTsv,
  readScrolls,
  scrollsExamples,
  scrollsLabelSet,
} from './examples.js';

const SCROLLS = new URL('../test/fixtures/scrolls/', import.meta.url).pathname;
const GLUE = new URL('../../../packages/data/test/fixtures/glue/', import.meta.url).pathname;

describe('scrolls reader', () => {
  it('reads input/output, splits the input at the first blank line into a pair when asked', async () => {
    const rows = await readScrolls(join(SCROLLS, 'train.jsonl'), true);
    expect(rows).toHaveLength(4);
    expect(rows[0]).toEqual({
      id: 't0',
      textA: 'The party may share information.',
      textB:
        'This agreement lets the Receiving Party share Confidential Information with its employees.\n\nIt lasts two years.',
      output: 'Entailment',
    });
    const whole = await readScrolls(join(SCROLLS, 'train.jsonl'));
    expect(whole[0]?.textB).toBeNull();
    expect(whole[0]?.textA).toContain('\n\n');
  });

  it('label set = sorted distinct training outputs; test outputs "" / null are unlabelled', async () => {
    const train = await readScrolls(join(SCROLLS, 'train.jsonl'));
    const labels = scrollsLabelSet(train, 'train.jsonl');
    expect(labels).toEqual(['Contradiction', 'Entailment', 'Not mentioned']);
    expect(scrollsExamples(train, labels, 'f').map((e) => e.label)).toEqual([1, 2, 0, 0]);
    const test = await readScrolls(join(SCROLLS, 'test.jsonl'));
    expect(test.map((r) => r.output)).toEqual([null, null]);
    expect(scrollsExamples(test, labels, 'f').map((e) => e.label)).toEqual([null, null]);
  });

  it('errors name the file and line', async () => {
    const dir = tempDir();
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"input": "a", "output": "x"}\n{"input": 3}\n');
    await expect(readScrolls(bad)).rejects.toThrow(`${bad}:2: field "input" must be a string`);
    writeFileSync(bad, '{"input": "a"\n');
    await expect(readScrolls(bad)).rejects.toThrow(`${bad}:1: not valid JSON`);
    await expect(readScrolls(join(dir, 'nope.jsonl'))).rejects.toThrow('nope.jsonl: no such file');
    const rows = await readScrolls(join(SCROLLS, 'validation.jsonl'));
    expect(() => scrollsExamples(rows, ['Entailment', 'X'], 'v.jsonl')).toThrow(
      /v\.jsonl: example v1 has output "Not mentioned"/,
    );
    expect(() => scrollsLabelSet([{ id: '0', textA: 'a', textB: null, output: 'x' }], 't.jsonl')).toThrow(
      /1 distinct/,
    );
  });
});

describe('GLUE and embedded examples', () => {
  it('reads GLUE fixtures in HF label order, test splits unlabelled', async () => {
    const dev = await loadExamples('mnli', 'dev_matched', { dataDir: GLUE });
    expect(dev[0]).toMatchObject({ id: '0', textA: 'The new rights are nice enough', label: 1 }); // neutral
    const test = await loadExamples('stsb', 'test', { dataDir: GLUE });
    expect(test[0]?.label).toBeNull();
    await expect(loadExamples('rte', 'dev', { dataDir: null })).rejects.toThrow('--data-dir is required');
  });

  it('reads the embedded task (6000 train / 1000 dev, labels 0/1)', async () => {
    const f = embeddedFiles(null);
    const dev = await readPairTsv(f.dev);
    expect(dev).toHaveLength(1000);
    expect(new Set(dev.map((d) => d.label))).toEqual(new Set([0, 1]));
    expect(dev[0]?.textB).not.toBeNull();
  });
});

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initEngine } from '@bigs/ssm-kernels';
import { describe, expect, it } from 'vitest';
import { makeTinyModelDir, tempDir } from '../test/helpers.js';
import { runCli } from './cli.js';
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

  it('invalid UTF-8 in a data file: an error naming file:line (and the flag, from the CLI); --allow-invalid-utf8 gives U+FFFD', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'RTE'));
    const tsv = Buffer.concat([
      Buffer.from('index\tsentence1\tsentence2\tlabel\n0\tgood\tb\tentailment\n1\t'),
      Buffer.from([0x62, 0xe4, 0x64]), // "bäd" in Latin-1
      Buffer.from('\tc\tnot_entailment\n'),
    ]);
    for (const split of ['train', 'dev']) writeFileSync(join(dir, `RTE/${split}.tsv`), tsv);
    await expect(loadExamples('rte', 'dev', { dataDir: dir })).rejects.toThrow(
      /RTE\/dev\.tsv:3: not valid UTF-8: byte 0xe4 at byte 4 of the line/,
    );
    const lenient = await loadExamples('rte', 'dev', { dataDir: dir, invalidUtf8: 'replace' });
    expect(lenient[1]?.textA).toBe('b\uFFFDd');
    const jsonl = join(dir, 'train.jsonl');
    writeFileSync(
      jsonl,
      Buffer.concat([
        Buffer.from('{"input": "a", "output": "x"}\n{"input": "'),
        Buffer.from([0xff]),
        Buffer.from('"}\n'),
      ]),
    );
    await expect(readScrolls(jsonl)).rejects.toThrow(`${jsonl}:2: not valid UTF-8: byte 0xff`);
    expect((await readScrolls(jsonl, false, { invalidUtf8: 'replace' }))[1]?.textA).toBe('\uFFFD');
    // From the CLI: one line that names the file, the line and the flag.
    await initEngine({ backend: 'cpu', quiet: true });
    const model = await makeTinyModelDir();
    const err: string[] = [];
    const code = await runCli(
      [
        '--task',
        'rte',
        '--data-dir',
        dir,
        '--model-name-or-path',
        model,
        '--output-dir',
        join(dir, 'out'),
        '--backend',
        'cpu',
      ],
      { stdout: () => {}, stderr: (t) => err.push(t) },
    );
    expect(code).toBe(1);
    expect(err.at(-1)).toMatch(
      /^finetune: error: .*RTE\/train\.tsv:3: not valid UTF-8: byte 0xe4 at byte 4 of the line .*; or pass --allow-invalid-utf8 to read such bytes as U\+FFFD\n$/,
    );
  });

  it('reads the embedded spam task (one text per row) and the WordNet pair task', async () => {
    const f = embeddedFiles(null);
    const dev = await readPairTsv(f.dev);
    expect(dev).toHaveLength(1000);
    expect(new Set(dev.map((d) => d.label))).toEqual(new Set([0, 1]));
    expect(dev[0]?.textB).toBeNull();
    expect(await loadExamples('embedded', 'train', { dataDir: null })).toHaveLength(4000);
    const w = await loadExamples('wordnet', 'dev', { dataDir: null });
    expect(w).toHaveLength(1000);
    expect(w[0]?.textB).not.toBeNull();
    expect(embeddedFiles(null, 'wordnet').dev).toMatch(/task[\\/]wordnet[\\/]dev\.tsv$/);
  });
});

import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteFile } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { loadGlue, readGlue, resolveGlueSource } from './read.js';
import { GLUE_TASK_NAMES, GLUE_TASKS, glueLabelNames, glueNumLabels } from './tasks.js';
import type { GlueReadReport } from './types.js';

const FIX = join(import.meta.dirname, '../../test/fixtures');
const GLUE = join(FIX, 'glue');
const tmp = (): string => mkdtempSync(join(tmpdir(), 'bigs-glue-'));
const load = (task: string, split: string, dataDir = GLUE) => loadGlue({ task, split, dataDir });

describe('GLUE label order (HF glue)', () => {
  it('names and counts', () => {
    expect(glueLabelNames('cola')).toEqual(['unacceptable', 'acceptable']);
    expect(glueLabelNames('sst2')).toEqual(['negative', 'positive']);
    expect(glueLabelNames('mrpc')).toEqual(['not_equivalent', 'equivalent']);
    expect(glueLabelNames('mnli')).toEqual(['entailment', 'neutral', 'contradiction']);
    expect(glueLabelNames('qnli')).toEqual(['entailment', 'not_entailment']);
    expect(glueLabelNames('rte')).toEqual(['entailment', 'not_entailment']);
    expect(glueLabelNames('wnli')).toEqual(['not_entailment', 'entailment']);
    expect(glueLabelNames('ax')).toEqual(glueLabelNames('mnli'));
    expect(glueLabelNames('stsb')).toBeNull();
    expect(glueNumLabels('stsb')).toBe(1);
    expect(GLUE_TASK_NAMES).toHaveLength(10);
  });
});

describe('GLUE TSV files', () => {
  it('CoLA: train/dev without header (4 columns, CRLF dev), test with header', async () => {
    const train = await load('cola', 'train');
    expect(train.map((e) => e.label)).toEqual([1, 1, 0]);
    expect(train[0]).toEqual({
      idx: 0,
      textA: "Our friends won't buy this analysis, let alone the next one we propose.",
      textB: null,
      label: 1,
    });
    const dev = await load('cola', 'dev');
    expect(dev[1]?.textA).toBe('The more we study verbs, the crazier they get "quoted.');
    expect(dev[1]?.label).toBe(0);
    const test = await load('cola', 'test');
    expect(test).toEqual([
      { idx: 0, textA: 'Bill whistled past the house.', textB: null, label: null },
      { idx: 1, textA: 'The car honked its way down the road.', textB: null, label: null },
    ]);
  });
  it('SST-2: BOM on the header, leading quote kept literally, test without labels', async () => {
    const train = await load('sst2', 'train');
    expect(train.map((e) => e.label)).toEqual([0, 0, 1]);
    const dev = await load('sst2', 'dev');
    expect(dev[1]?.textA).toBe('" unflinchingly bleak and desperate ');
    expect((await load('sst2', 'test')).every((e) => e.label === null && e.textB === null)).toBe(true);
  });
  it('MRPC: GLUE train.tsv (BOM, Quality / #1 String / #2 String) and test.tsv (index)', async () => {
    const train = await load('mrpc', 'train');
    expect(train.map((e) => e.label)).toEqual([1, 0]);
    expect(train[0]?.textA).toContain('" the witness "');
    expect(train[0]?.textB).toMatch(/^Referring/);
    expect((await load('mrpc', 'dev'))[0]?.textB).toMatch(/^" The foodservice/);
    const test = await load('mrpc', 'test');
    expect(test[0]?.label).toBeNull();
    expect(test[0]?.textB).toMatch(/^Current Chief/);
  });
  it('MRPC: original msr_paraphrase_*.txt split by dev_ids.tsv (HF idx = row in the train file)', async () => {
    const dir = join(FIX, 'glue-mrpc-original');
    expect(resolveGlueSource(dir, 'mrpc', 'train').kind).toBe('mrpc-original');
    const train = await load('mrpc', 'train', dir);
    expect(train.map((e) => [e.idx, e.label])).toEqual([
      [0, 1],
      [2, 1],
    ]);
    const dev = await load('mrpc', 'dev', dir);
    expect(dev).toEqual([
      { idx: 1, textA: 'Yucaipa owned Dominick.', textB: 'Yucaipa bought Dominick.', label: 0 },
    ]);
    expect((await load('mrpc', 'test', dir))[0]?.label).toBeNull();
  });
  it('QQP: question1/question2/is_duplicate; test id/question1/question2', async () => {
    const train = await load('qqp', 'train');
    expect(train.map((e) => e.label)).toEqual([0, 1]);
    expect(train[1]?.textB).toBe('How do you control your horniness?');
    expect((await load('qqp', 'dev'))[0]?.label).toBe(0);
    const test = await load('qqp', 'test');
    expect(test[0]?.label).toBeNull();
    expect(test[0]?.textA).toMatch(/^Would the idea/);
  });
  it('STS-B: float scores; test without score', async () => {
    expect((await load('stsb', 'train')).map((e) => e.label)).toEqual([5, 3.8]);
    expect((await load('stsb', 'dev'))[1]).toEqual({
      idx: 1,
      textA: 'A young child is riding a horse.',
      textB: 'A child is riding a horse.',
      label: 4.75,
    });
    expect((await load('stsb', 'test'))[0]?.label).toBeNull();
  });
  it('MNLI: gold_label by header (12 / 16 / 10 columns), label order, quotes literal, CRLF', async () => {
    const train = await load('mnli', 'train');
    expect(train.map((e) => e.label)).toEqual([1, 0, 2]);
    expect(train[1]?.textA).toContain('if "if they decide');
    expect(train[0]?.textB).toBe('Product and geography are what make cream skimming work. ');
    expect((await load('mnli', 'dev_matched')).map((e) => e.label)).toEqual([1, 2]);
    expect((await load('mnli', 'dev_mismatched')).map((e) => e.label)).toEqual([2]);
    const tm = await load('mnli', 'test_matched');
    expect(tm[0]).toMatchObject({ idx: 0, label: null, textB: 'Hierbas is a name worth looking out for.' });
    expect((await load('mnli', 'test_mismatched'))[0]?.textB).toBe("So what's your decision?");
    await expect(load('mnli', 'dev')).rejects.toThrow(/no split "dev".*dev_matched/);
  });
  it('QNLI, RTE (named labels) and WNLI (digit labels)', async () => {
    expect((await load('qnli', 'train')).map((e) => e.label)).toEqual([1, 0]);
    expect((await load('qnli', 'dev'))[0]?.label).toBe(0);
    expect((await load('qnli', 'test'))[0]?.textB).toContain('"quiescent"');
    expect((await load('rte', 'train')).map((e) => e.label)).toEqual([1, 0]);
    expect((await load('rte', 'dev'))[0]?.label).toBe(1);
    expect((await load('rte', 'test'))[0]?.label).toBeNull();
    expect((await load('wnli', 'train')).map((e) => e.label)).toEqual([1, 1, 1, 0]);
    expect((await load('wnli', 'dev'))[0]?.label).toBe(0);
    expect((await load('wnli', 'test'))[0]?.label).toBeNull();
  });
  it('AX: diagnostic/diagnostic.tsv, test only, labels null', async () => {
    const ax = await load('ax', 'test');
    expect(ax).toHaveLength(2);
    expect(ax[0]).toEqual({
      idx: 0,
      textA: 'The cat sat on the mat.',
      textB: 'The cat did not sit on the mat.',
      label: null,
    });
    await expect(load('ax', 'train')).rejects.toThrow(/no split "train"/);
  });
  it('every task and split of the fixture reads', async () => {
    for (const t of GLUE_TASK_NAMES) {
      for (const s of GLUE_TASKS[t].splits) expect((await load(t, s)).length).toBeGreaterThan(0);
    }
  });
});

describe('GLUE bad input', () => {
  const makeBad = (): string => {
    const d = tmp();
    mkdirSync(join(d, 'RTE'));
    writeFileSync(
      join(d, 'RTE/train.tsv'),
      'index\tsentence1\tsentence2\tlabel\n0\ta\tb\tentailment\n1\tonly two\n2\tc\td\tmaybe\n3\te\tf\tnot_entailment\n',
    );
    writeFileSync(join(d, 'RTE/dev.tsv'), '');
    return d;
  };
  it('a malformed line is an error naming file and line', async () => {
    const d = makeBad();
    await expect(load('rte', 'train', d)).rejects.toThrow(
      /RTE\/train\.tsv:3: expected at least 4 tab-separated fields, got 2/,
    );
  });
  it('skipMalformed skips and counts (idx keeps the file row numbering)', async () => {
    const d = makeBad();
    const report: GlueReadReport = { read: 0, skipped: 0, skippedDetails: [], files: [] };
    const out = [];
    for await (const e of readGlue({ task: 'rte', split: 'train', dataDir: d, skipMalformed: true, report }))
      out.push(e);
    expect(out.map((e) => [e.idx, e.label])).toEqual([
      [0, 0],
      [3, 1],
    ]);
    expect(report.read).toBe(2);
    expect(report.skipped).toBe(2);
    expect(report.skippedDetails[1]).toMatch(
      /train\.tsv:4: label "maybe" is not one of entailment, not_entailment/,
    );
  });
  it('empty file, missing task dir, unknown task are clear errors', async () => {
    const d = makeBad();
    await expect(load('rte', 'dev', d)).rejects.toThrow(/RTE\/dev\.tsv: empty file/);
    await expect(load('cola', 'train', d)).rejects.toThrow(
      /GLUE cola train: no data found under .*CoLA\/train\.tsv/,
    );
    await expect(load('nope', 'train', d)).rejects.toThrow(/unknown GLUE task "nope"/);
    await expect(load('cola', 'train', join(d, 'missing'))).rejects.toThrow(
      /--data-dir .*missing: no such directory/,
    );
  });
  it('invalid UTF-8 is an error naming file:line; invalidUtf8 "replace" decodes it as U+FFFD', async () => {
    const d = tmp();
    mkdirSync(join(d, 'RTE'));
    const latin1 = Buffer.from('caf\xe9 au lait', 'latin1'); // "café" in Latin-1: 0xE9 alone is not UTF-8
    writeFileSync(
      join(d, 'RTE/train.tsv'),
      Buffer.concat([
        Buffer.from('index\tsentence1\tsentence2\tlabel\n0\ta\tb\tentailment\n1\t'),
        latin1,
        Buffer.from('\tc\tnot_entailment\n'),
      ]),
    );
    await expect(load('rte', 'train', d)).rejects.toThrow(
      /RTE\/train\.tsv:3: not valid UTF-8: byte 0xe9 at byte 6 of the line/,
    );
    // skipMalformed does not hide it: the file is not UTF-8 text.
    await expect(loadGlue({ task: 'rte', split: 'train', dataDir: d, skipMalformed: true })).rejects.toThrow(
      /train\.tsv:3: not valid UTF-8/,
    );
    const rows = await loadGlue({ task: 'rte', split: 'train', dataDir: d, invalidUtf8: 'replace' });
    expect(rows[1]?.textA).toBe('caf\uFFFD au lait');
  });
  it('a header lacking the expected columns is an error', async () => {
    const d = tmp();
    mkdirSync(join(d, 'QNLI'));
    writeFileSync(join(d, 'QNLI/train.tsv'), 'index\tsentence1\tsentence2\tlabel\n0\ta\tb\tentailment\n');
    await expect(load('qnli', 'train', d)).rejects.toThrow(
      /QNLI\/train\.tsv:1: header lacks column\(s\) question, sentence/,
    );
  });
  it('the data dir may be the task folder itself', async () => {
    const d = tmp();
    cpSync(join(GLUE, 'RTE'), join(d, 'RTE'), { recursive: true });
    expect(await load('rte', 'dev', join(d, 'RTE'))).toHaveLength(1);
  });
});

describe('GLUE HF parquet layout', () => {
  it('reads <task>/<split>-*.parquet with HF columns; dev → validation; -1 labels → null', async () => {
    const d = tmp();
    mkdirSync(join(d, 'mnli'));
    mkdirSync(join(d, 'stsb'));
    parquetWriteFile({
      filename: join(d, 'mnli/validation_matched-00000-of-00001.parquet'),
      columnData: [
        { name: 'premise', data: ['p0', 'p1'], type: 'STRING' },
        { name: 'hypothesis', data: ['h0', 'h1'], type: 'STRING' },
        { name: 'label', data: [2n, 0n], type: 'INT64' },
        { name: 'idx', data: [0, 1], type: 'INT32' },
      ],
    });
    parquetWriteFile({
      filename: join(d, 'mnli/test_matched-00000-of-00001.parquet'),
      columnData: [
        { name: 'premise', data: ['p'], type: 'STRING' },
        { name: 'hypothesis', data: ['h'], type: 'STRING' },
        { name: 'label', data: [-1n], type: 'INT64' },
        { name: 'idx', data: [0], type: 'INT32' },
      ],
    });
    parquetWriteFile({
      filename: join(d, 'stsb/train-00000-of-00001.parquet'),
      columnData: [
        { name: 'sentence1', data: ['a'], type: 'STRING' },
        { name: 'sentence2', data: ['b'], type: 'STRING' },
        { name: 'label', data: [3.8], type: 'FLOAT' },
        { name: 'idx', data: [0], type: 'INT32' },
      ],
    });
    expect(await load('mnli', 'dev_matched', d)).toEqual([
      { idx: 0, textA: 'p0', textB: 'h0', label: 2 },
      { idx: 1, textA: 'p1', textB: 'h1', label: 0 },
    ]);
    expect((await load('mnli', 'test_matched', d))[0]?.label).toBeNull();
    const st = await load('stsb', 'train', d);
    expect(st[0]?.label).toBeCloseTo(3.8, 5);
  });
});

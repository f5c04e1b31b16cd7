import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embeddedTokenizerDir } from '@bigs/data';
import {
  type BiGSConfig,
  createConfig,
  createModel,
  type HeadType,
  savePretrained,
  TINY,
} from '@bigs/models';
import { pipeline } from '@bigs/pipelines';
import { initEngine } from '@bigs/ssm-kernels';
import { beforeAll, describe, expect, it } from 'vitest';
import { runInProcess, spawnCli } from '../test-helpers.js';

const run = runInProcess;

const jsonLines = (s: string) =>
  s
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

const dir = mkdtempSync(join(tmpdir(), 'bigs-text-cmds-'));
const MLM = join(dir, 'mlm');
const CLS = join(dir, 'cls');

async function saveTiny(path: string, head: HeadType, overrides: Partial<BiGSConfig> = {}): Promise<void> {
  const tokDir = embeddedTokenizerDir();
  const model = createModel(
    createConfig({ ...TINY, vocabSize: 8192, maxPositionEmbeddings: 24, ...overrides }),
    head,
    { seed: 5 },
  );
  await savePretrained(model, path, {
    tokenizerFiles: {
      'vocab.txt': readFileSync(join(tokDir, 'vocab.txt'), 'utf8'),
      'tokenizer.json': readFileSync(join(tokDir, 'tokenizer.json'), 'utf8'),
    },
  });
  model.dispose();
}

beforeAll(async () => {
  await initEngine({ backend: 'cpu', quiet: true });
  await saveTiny(MLM, 'masked-lm');
  await saveTiny(CLS, 'sequence-classification', {
    numLabels: 2,
    id2label: { '0': 'negative', '1': 'positive' },
    label2id: { negative: 0, positive: 1 },
  });
});

describe('bigs fill-mask (spawned)', () => {
  it('table on stdout; --json lines equal the pipeline’s results', async () => {
    const text = 'the old [MASK] told a story';
    const table = spawnCli(['fill-mask', '--model', MLM, text, '--top-k', '3', '--backend', 'cpu']);
    expect(table.stderr).toBe('');
    expect(table.code).toBe(0);
    const lines = table.stdout.split('\n');
    expect(lines[0]).toBe(text);
    expect(lines[1]).toMatch(/^#\s+token\s+score\s+sequence$/);
    expect(lines.filter((l) => /^\d\s/.test(l))).toHaveLength(3);

    const json = spawnCli([
      'fill-mask',
      text,
      'a [MASK] and a [MASK]',
      '--model',
      MLM,
      '--json',
      '--backend',
      'cpu',
    ]);
    expect(json.code).toBe(0);
    const fill = await pipeline('fill-mask', MLM);
    expect(jsonLines(json.stdout)).toEqual(await fill([text, 'a [MASK] and a [MASK]']));
    expect(lines[3]).toContain(`1  ${(await fill(text, { topK: 1 })).masks[0]!.predictions[0]!.tokenStr}`);
    fill.dispose();
  });

  it('one-line errors: no [MASK] (naming the input), a model without an MLM head', async () => {
    const none = spawnCli(
      ['fill-mask', '--model', MLM, '--backend', 'cpu'],
      'the [MASK] ran\nno mask here\n',
    );
    expect(none.code).toBe(2);
    expect(none.stderr).toBe(
      'bigs fill-mask: error: stdin:2 has no [MASK] token ("no mask here"); put [MASK] where the word to predict goes\n',
    );
    const head = await run(['fill-mask', '--model', CLS, 'a [MASK]', '--backend', 'cpu']);
    expect(head.code).toBe(2);
    expect(head.stderr.trim().split('\n')).toHaveLength(1);
    expect(head.stderr).toMatch(
      /^bigs fill-mask: error: fill-mask: .*cls has no masked-LM head \(cls\.predictions\.\*\): .*\(architectures: BiGSForSequenceClassification\); fill-mask needs a masked-LM model/,
    );
  });

  it('in-process: no input, both arguments and --input, a missing model dir, pairs refused, --help', async () => {
    expect((await run(['fill-mask', '--model', MLM])).stderr).toBe(
      'bigs fill-mask: error: no input: give TEXT arguments, --input FILE, or pipe lines on stdin\n',
    );
    expect((await run(['fill-mask', 'a [MASK]', '--model', MLM, '--input', 'x.txt'])).stderr).toMatch(
      /give the texts as TEXT arguments or with --input FILE, not both/,
    );
    expect((await run(['fill-mask', 'a [MASK]', '--model', join(dir, 'nope')])).stderr).toMatch(
      /--model .*nope: no such directory/,
    );
    const pair = await run(
      ['fill-mask', '--model', MLM, '--backend', 'cpu'],
      '{"text": "a [MASK]", "pair": "b"}\n',
    );
    expect(pair.stderr).toBe('bigs fill-mask: error: stdin:1: fill-mask takes single texts, not pairs\n');
    const bad = await run(['fill-mask', '--model', MLM, '--backend', 'cpu'], '{"txt": "a [MASK]"}\n');
    expect(bad.stderr).toMatch(/stdin:1: a JSON line must be an object with a string field "text"/);
    const help = await run(['fill-mask', '--help']);
    expect(help.stdout).toMatch(/^Usage: bigs fill-mask \[flags\] \[TEXT\.\.\.\]/);
    expect(help.stdout).toContain('--top-k K');
    const all = await run(['--help']);
    for (const g of ['fill-mask run', 'classify run', 'embed run']) expect(all.stdout).toContain(g);
    // `--` ends the flags: a text that starts with dashes.
    const dashes = await run(['fill-mask', '--model', MLM, '--backend', 'cpu', '--json', '--', '--[MASK]']);
    expect(dashes.code).toBe(0);
    expect(JSON.parse(dashes.stdout).text).toBe('--[MASK]');
  });
});

describe('bigs classify (spawned)', () => {
  it('arguments with --pair (table), stdin JSON lines (--json) equal the pipeline’s results', async () => {
    const t = spawnCli([
      'classify',
      '--model',
      CLS,
      'a gripping tale',
      '--pair',
      'it was fun',
      '--backend',
      'cpu',
    ]);
    expect(t.code).toBe(0);
    expect(t.stdout.split('\n')[0]).toMatch(/^text\s+label\s+score\s+other labels$/);
    expect(t.stdout).toMatch(
      /a gripping tale ‖ it was fun\s+(positive|negative)\s+0\.\d{4}\s+(positive|negative) 0\.\d{4}/,
    );
    const stdin = 'a gripping tale\n{"text": "the cat sat", "pair": "a cat was sitting"}\n\n';
    const j = spawnCli(['classify', '--model', CLS, '--json', '--top-k', '1', '--backend', 'cpu'], stdin);
    expect(j.stderr).toBe('');
    const classify = await pipeline('text-classification', CLS);
    expect(jsonLines(j.stdout)).toEqual(
      await classify(['a gripping tale', { text: 'the cat sat', pair: 'a cat was sitting' }], { topK: 1 }),
    );
    classify.dispose();
  });

  it('too-long input: a note on stderr by default, a one-line error with --truncation error', async () => {
    const long = 'word '.repeat(40);
    const cut = await run(['classify', '--model', CLS, long, '--backend', 'cpu', '--json']);
    expect(cut.code).toBe(0);
    expect(cut.stderr).toBe(
      'note: argument 1 has 42 tokens, more than the max length 24: truncated to 24 (--truncation error refuses such inputs)\n',
    );
    expect(JSON.parse(cut.stdout).truncated).toBe(true);
    const refused = spawnCli([
      'classify',
      '--model',
      CLS,
      'short',
      long,
      '--truncation',
      'error',
      '--backend',
      'cpu',
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(
      /^bigs classify: error: argument 2 is 42 tokens long \(\[CLS\]\/\[SEP\] included\), more than the max length 24 \("word word .*"\); shorten it, or pass --truncation truncate\n$/,
    );
    const noHead = await run(['classify', '--model', MLM, 'x', '--backend', 'cpu']);
    expect(noHead.stderr).toMatch(
      /has no sequence-classification head .*needs a sequence-classification model/,
    );
  });
});

describe('bigs embed (spawned)', () => {
  it('--input FILE (plain and JSON lines), --json: vectors equal the pipeline’s; --pooling none; table', async () => {
    const file = join(dir, 'sentences.txt');
    writeFileSync(file, 'the old sailor\n\n{"text": "a b", "pair": "c d"}\r\n');
    const j = spawnCli(['embed', '--model', MLM, '--input', file, '--json', '--backend', 'cpu']);
    expect(j.stderr).toBe('');
    expect(j.code).toBe(0);
    const embed = await pipeline('feature-extraction', MLM);
    expect(jsonLines(j.stdout)).toEqual(await embed(['the old sailor', { text: 'a b', pair: 'c d' }]));
    const none = await run(['embed', '--model', MLM, '--input', file, '--json', '--pooling', 'none']);
    expect(jsonLines(none.stdout)).toEqual(
      await embed(['the old sailor', { text: 'a b', pair: 'c d' }], { pooling: 'none' }),
    );
    embed.dispose();
    const t = await run(['embed', '--model', MLM, '--input', file, '--pooling', 'cls', '--backend', 'cpu']);
    expect(t.stdout.split('\n')[0]).toMatch(/^text\s+tokens\s+dims\s+norm\s+values$/);
    expect(t.stdout).toMatch(/the old sailor\s+5\s+8\s+\d+\.\d{4}/);
    expect((await run(['embed', '--model', MLM, '--input', join(dir, 'none.txt')])).stderr).toMatch(
      /--input .*none\.txt: no such file/,
    );
  });
});

describe('bigs predict --text (in-process)', () => {
  it("answers by the model's head: fill-mask for a masked-LM model, labels for a classifier; --json equals the pipeline", async () => {
    const text = 'the old [MASK] told a story';
    const fill = await pipeline('fill-mask', MLM);
    const mlm = await run(['predict', '--text', '--model', MLM, text, '--json', '--backend', 'cpu']);
    expect(mlm.stderr).toBe('');
    expect(mlm.code).toBe(0);
    expect(jsonLines(mlm.stdout)).toEqual([await fill(text)]); // top-k 5, as bigs fill-mask
    const table = await run(['predict', '--text', '--model', MLM, text, '--top-k', '2', '--backend', 'cpu']);
    expect(table.stdout.split('\n')[1]).toMatch(/^#\s+token\s+score\s+sequence$/);
    expect(table.stdout.split('\n').filter((l) => /^\d\s/.test(l))).toHaveLength(2);
    fill.dispose();

    const classify = await pipeline('text-classification', CLS);
    const cls = await run(
      ['predict', '--text', '--model', CLS, '--json', '--backend', 'cpu'],
      'a gripping tale\n',
    );
    expect(cls.code).toBe(0);
    expect(jsonLines(cls.stdout)).toEqual(await classify(['a gripping tale'], { topK: 'all' }));
    expect(['negative', 'positive']).toContain(jsonLines(cls.stdout)[0].label);
    classify.dispose();

    // --head picks another answer: embeddings of the masked-LM model's encoder
    const emb = await run([
      'predict',
      '--text',
      '--head',
      'base',
      '--model',
      MLM,
      'a b',
      '--json',
      '--backend',
      'cpu',
    ]);
    expect(jsonLines(emb.stdout)[0].embedding).toHaveLength(8);
  });

  it('usage errors: TEXT without --text, --text with --inputs, no [MASK]', async () => {
    const words = await run(['predict', '--model', MLM, 'some text']);
    expect(words.code).toBe(2);
    expect(words.stderr).toBe(
      'bigs predict: error: TEXT arguments ("some text") need --text (without it, --inputs FILE.json holds token ids)\n',
    );
    const mixed = await run(['predict', '--text', '--model', MLM, '--inputs', 'x.json', 'a']);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/^bigs predict: error: --text reads TEXT arguments/);
    const none = await run(['predict', '--text', '--model', MLM, 'no mask here', '--backend', 'cpu']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^bigs predict: error: argument 1 has no \[MASK\] token/);
  });
});

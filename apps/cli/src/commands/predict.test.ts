import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BiGSForSequenceClassification, createConfig, savePretrained, TINY } from '@bigs/models';
import { initEngine } from '@bigs/ssm-kernels';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runInProcess, spawnCli } from '../test-helpers.js';

const run = runInProcess;

const maxDiff = (a: number[], b: number[]) =>
  a.length === b.length ? Math.max(...a.map((x, i) => Math.abs(x - b[i]!))) : Number.POSITIVE_INFINITY;

const IDS = [
  [2, 7, 9, 3, 0],
  [2, 5, 0, 0, 0],
];
const MASK = [
  [1, 1, 1, 1, 0],
  [1, 1, 0, 0, 0],
];

describe('bigs predict (spawned)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bigs-predict-'));
  const model = join(dir, 'model');
  let expected: { logits: number[]; pooled: number[]; last: number[] };

  beforeAll(async () => {
    await initEngine({ backend: 'cpu', quiet: true });
    const m = new BiGSForSequenceClassification(
      createConfig({ ...TINY, numLabels: 3, semantics: 'pytorch' }),
      { seed: 7 },
    );
    await savePretrained(m, model);
    const o = m.forward({ inputIds: tf.tensor2d(IDS, undefined, 'int32'), attentionMask: tf.tensor2d(MASK) });
    expected = {
      logits: Array.from(o.logits.dataSync()),
      pooled: Array.from(o.poolerOutput!.dataSync()),
      last: Array.from(o.lastHiddenState.dataSync()),
    };
    m.dispose();
    writeFileSync(join(dir, 'in.json'), JSON.stringify({ input_ids: IDS, attention_mask: MASK }));
  });

  it('sequence-classification: logits and pooler_output equal the in-process model', () => {
    const out = join(dir, 'seq.json');
    const r = spawnCli([
      'predict',
      '--model',
      model,
      '--inputs',
      join(dir, 'in.json'),
      '--head',
      'sequence-classification',
      '--out',
      out,
      '--backend',
      'cpu',
      '--batch-size',
      '1',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(readFileSync(out, 'utf8'));
    expect(json.logits.shape).toEqual([2, 3]);
    expect(json.pooler_output.shape).toEqual([2, 8]);
    expect(maxDiff(json.logits.data, expected.logits)).toBeLessThan(1e-5);
    expect(maxDiff(json.pooler_output.data, expected.pooled)).toBeLessThan(1e-5);
  });

  it('base: last_hidden_state and hidden_states (embeddings + one per layer); masked-lm logits', () => {
    const out = join(dir, 'base.json');
    const r = spawnCli([
      'predict',
      '--model',
      model,
      '--inputs',
      join(dir, 'in.json'),
      '--out',
      out,
      '--backend',
      'cpu',
    ]);
    expect(r.code).toBe(0);
    // One note names the dropped head and pooler tensors, each once (not one note per kind of tensor).
    const dropNotes = r.stderr.split('\n').filter((l) => /dropped|not used/.test(l));
    expect(dropNotes).toHaveLength(1);
    expect(dropNotes[0]).toMatch(/^note: .*dropped .*classifier\.weight.*pooler\.dense\.weight/);
    expect(dropNotes[0]!.split('classifier.weight')).toHaveLength(2);
    const json = JSON.parse(readFileSync(out, 'utf8'));
    expect(json.last_hidden_state.shape).toEqual([2, 5, 8]);
    expect(json.hidden_states.length).toBe(3);
    expect(maxDiff(json.last_hidden_state.data, expected.last)).toBeLessThan(1e-5);
    const mlm = join(dir, 'mlm.json');
    const r2 = spawnCli([
      'predict',
      '--model',
      model,
      '--inputs',
      join(dir, 'in.json'),
      '--head',
      'masked-lm',
      '--out',
      mlm,
      '--backend',
      'cpu',
    ]);
    expect(r2.code).toBe(0);
    expect(r2.stderr).toMatch(/newly initialized: .*cls\.predictions/);
    expect(JSON.parse(readFileSync(mlm, 'utf8')).logits.shape).toEqual([2, 5, 50]);
  });

  it('clear errors: ragged rows, id ≥ vocab, missing field, bad mask shape', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [
        {
          input_ids: [
            [2, 7, 9],
            [2, 5],
          ],
        },
        /input_ids\[1\] has length 2, expected 3/,
      ],
      [{ input_ids: [[2, 50]] }, /input_ids\[0\]\[1\] = 50: token id out of range \[0, 50\)/],
      [{ attention_mask: [[1]] }, /missing field 'input_ids'/],
      [
        {
          input_ids: [[2, 3]],
          attention_mask: [
            [1, 1],
            [1, 1],
          ],
        },
        /'attention_mask' has 2 rows, expected 1/,
      ],
      [{ input_ids: [[2, 3]], labels: [1] }, /unknown field 'labels'/],
    ];
    for (const [i, [input, re]] of cases.entries()) {
      const f = join(dir, 'bad.json');
      writeFileSync(f, JSON.stringify(input));
      const args = [
        'predict',
        '--model',
        model,
        '--inputs',
        f,
        '--out',
        join(dir, 'bad-out.json'),
        '--backend',
        'cpu',
      ];
      // The first case through a real process (exit code, one line on stderr); the rest in-process (fast).
      const r = i === 0 ? spawnCli(args) : await run(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(re);
      expect(r.stderr.split('\n').filter((l) => l.includes('error:')).length).toBe(1);
    }
    expect(existsSync(join(dir, 'bad-out.json'))).toBe(false);
  });

  it('config.json without hidden_size: one line naming the field and the file', async () => {
    const broken = join(dir, 'no-hidden');
    mkdirSync(broken);
    const cfg = JSON.parse(readFileSync(join(model, 'config.json'), 'utf8'));
    delete cfg.hidden_size;
    writeFileSync(join(broken, 'config.json'), JSON.stringify(cfg));
    copyFileSync(join(model, 'model.safetensors'), join(broken, 'model.safetensors'));
    const r = await run([
      'predict',
      '--model',
      broken,
      '--inputs',
      join(dir, 'in.json'),
      '--out',
      join(dir, 'x.json'),
      '--backend',
      'cpu',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `^bigs predict: error: ${broken}/config\\.json: missing architecture field 'hidden_size' \\([^\\n]*\\n$`,
      ),
    );
  });

  it('a model directory that does not exist: "does not exist", not "no weights found"', async () => {
    const gone = join(dir, 'no-such-model');
    const r = await run([
      'predict',
      '--model',
      gone,
      '--inputs',
      join(dir, 'in.json'),
      '--out',
      join(dir, 'x.json'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`bigs predict: error: --model ${gone}: does not exist\n`);
    expect(existsSync(join(dir, 'x.json'))).toBe(false);
  });
});

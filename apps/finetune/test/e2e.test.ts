import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { embeddedTaskPaths } from '@bigs/data';
import { fromPretrained } from '@bigs/models';
import { initEngine } from '@bigs/ssm-kernels';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CliIO, runCli } from '../src/cli.js';
import { GLUE_FIXTURES, makeTinyModelDir, tempDir } from './helpers.js';

/** The last line written to stderr (errors come after the engine line). */
const lastErr = (io: { err: string[] }) => `${io.err.join('').trimEnd().split('\n').at(-1)}\n`;

function captureIO(): CliIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t) };
}

const json = (p: string) => JSON.parse(readFileSync(p, 'utf8'));
const FAST = ['--backend', 'wasm', '--progress', 'none', '--learning-rate', '1e-3'];

describe('pnpm finetune end to end (tiny random model, wasm)', () => {
  let model: string;
  beforeAll(async () => {
    process.env.BIGS_THREADS = '1';
    await initEngine({ backend: 'wasm', threads: 1, quiet: true });
    model = await makeTinyModelDir();
  });

  it('default path: embedded task, prints its metric, writes eval_results.json (best + final, HF names)', async () => {
    const out = tempDir();
    const io = captureIO();
    const code = await runCli(
      [
        '--model-name-or-path',
        model,
        '--output-dir',
        out,
        ...FAST,
        '--max-train-samples',
        '40',
        '--max-eval-samples',
        '24',
        '--num-train-epochs',
        '2',
        '--eval-steps',
        '2',
      ],
      io,
    );
    expect(io.err.join('')).not.toMatch(/error:/m);
    expect(code).toBe(0);
    expect(io.out.join('')).toMatch(
      /^embedded: best accuracy 0\.\d{4}, f1 0\.\d{4}, .*\(step \d+\); final .*\(step 6\)/,
    );
    const r = json(join(out, 'eval_results.json'));
    expect(r.task).toBe('embedded');
    expect(r.metric_for_best).toBe('combined_score');
    expect(Object.keys(r.best).sort()).toEqual(['accuracy', 'combined_score', 'epoch', 'f1', 'loss', 'step']);
    expect(r.final.step).toBe(6); // 40 / 16 → 3 steps per epoch, 2 epochs
    // the majority-class baseline of the same 24 dev mails, printed beside the score
    const dev = readFileSync(embeddedTaskPaths().dev, 'utf8').trimEnd().split('\n').slice(1, 25);
    const trainLabels = readFileSync(embeddedTaskPaths().train, 'utf8').trimEnd().split('\n').slice(1, 41);
    const majority = trainLabels.filter((l) => l.endsWith('\t1')).length > 20 ? 1 : 0;
    const hit = dev.filter((l) => l.endsWith(`\t${majority}`)).length / 24;
    expect(r.majority_baseline.label).toBe(majority);
    expect(r.majority_baseline.accuracy).toBeCloseTo(hit, 12);
    expect(io.out.join('')).toContain(
      `embedded: majority-class baseline (always label ${majority}): accuracy ${hit.toFixed(4)}`,
    );
    expect(r.final.epoch).toBe(2);
    // evaluated at steps 2, 3 (epoch end), 4, 6 (epoch end, last)
    const log = readFileSync(join(out, 'eval_log.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(log.map((l: { step: number }) => l.step)).toEqual([2, 3, 4, 6]);
    const bestScore = Math.max(...log.map((l: { combined_score: number }) => l.combined_score));
    expect(r.best.combined_score).toBe(bestScore);
    // the model saved is the best evaluation's (the score reported), and the last line says where it went
    expect(io.out.join('').trimEnd().split('\n').at(-1)).toBe(
      `embedded: model saved to ${out} (the best evaluation, step ${r.best.step})`,
    );
    expect(existsSync(join(out, 'metrics.jsonl'))).toBe(true);
    // the saved model reloads as a 2-label classifier with the embedded labels
    const { model: m } = await fromPretrained(out, { logger: () => {} });
    expect(m.headType).toBe('sequence-classification');
    expect(m.config.numLabels).toBe(2);
    expect(existsSync(join(out, 'tokenizer.json'))).toBe(true);
    m.dispose();
  });

  it('without the default pretrained model: says how to create it, exit 1', async () => {
    const io = captureIO();
    expect(await runCli([], io)).toBe(1);
    expect(io.err.join('')).toBe(
      'finetune: error: no pretrained model at runs/pretrain-tiny (the default --model-name-or-path). Create it with ' +
        '`pnpm pretrain` (its default run writes runs/pretrain-tiny), or pass --model-name-or-path DIR\n',
    );
  });

  it('errors are one line naming the flag or file (exit 2 for a bad flag, 1 for a run that fails)', async () => {
    const io = captureIO();
    expect(await runCli(['--model-name-or-path', '/nonexistent/model', ...FAST], io)).toBe(1);
    expect(lastErr(io)).toBe('finetune: error: --model-name-or-path /nonexistent/model: no such directory\n');
    const io2 = captureIO();
    expect(await runCli(['--model-name-or-path', model, '--max-seq-length', '64', ...FAST], io2)).toBe(1);
    expect(lastErr(io2)).toBe(
      "finetune: error: --max-seq-length 64 exceeds the model's max_position_embeddings 32\n",
    );
    const io3 = captureIO();
    expect(await runCli(['--num-train-epochs', '-1'], io3)).toBe(2);
    expect(io3.err.join('')).toBe('finetune: error: --num-train-epochs must be a number > 0, got "-1"\n');
  });

  it('--freeze-ssm: A_re, A_im, C, D, log_step unchanged, the rest trained', async () => {
    const out = tempDir();
    const code = await runCli(
      [
        '--model-name-or-path',
        model,
        '--output-dir',
        out,
        ...FAST,
        '--freeze-ssm',
        // 32 examples, batch 16: one evaluation, at step 2 (the epoch end), so the saved best model is step 2's
        '--max-train-samples',
        '32',
        '--max-eval-samples',
        '8',
        '--max-steps',
        '2',
      ],
      captureIO(),
    );
    expect(code).toBe(0);
    const { model: before } = await fromPretrained(model, {
      head: 'sequence-classification',
      logger: () => {},
    });
    const { model: after } = await fromPretrained(out, { logger: () => {} });
    const a = before.parameterMap();
    const b = after.parameterMap();
    let ssm = 0;
    let changed = 0;
    for (const [name, p] of a) {
      if (name.startsWith('classifier') || name.includes('pooler')) continue;
      const same =
        tf.tidy(() => tf.max(tf.abs(tf.sub(p.variable, b.get(name)!.variable))).dataSync()[0]) === 0;
      if (/\.(A_re|A_im|C|D|log_step)$/.test(name)) {
        ssm++;
        expect(same, name).toBe(true);
      } else if (!same) changed++;
    }
    expect(ssm).toBe(10); // one layer, forward + backward
    expect(changed).toBeGreaterThan(5);
    before.dispose();
    after.dispose();
  });

  it('--task all: MNLI first, MRPC/STS-B/RTE from it, submission files, GLUE table', async () => {
    const out = tempDir();
    const io = captureIO();
    const code = await runCli(
      [
        '--task',
        'all',
        '--data-dir',
        GLUE_FIXTURES,
        '--model-name-or-path',
        model,
        '--output-dir',
        out,
        ...FAST,
        '--num-train-epochs',
        '1',
      ],
      io,
    );
    expect(io.err.join('')).not.toMatch(/error:/m);
    expect(code).toBe(0);
    const log = io.err.join('');
    const order = [...log.matchAll(/^\[(\w+)\] \d+ train examples/gm)].map((m) => m[1]);
    expect(order).toEqual(['mnli', 'cola', 'sst2', 'qqp', 'qnli', 'wnli', 'mrpc', 'stsb', 'rte']);
    for (const t of ['mrpc', 'stsb', 'rte']) {
      expect(json(join(out, t, 'eval_results.json')).model_name_or_path).toBe(join(out, 'mnli'));
    }
    for (const t of ['cola', 'sst2', 'qqp', 'qnli', 'wnli']) {
      expect(json(join(out, t, 'eval_results.json')).model_name_or_path).toBe(model);
    }
    const mnli = json(join(out, 'mnli', 'eval_results.json'));
    expect(Object.keys(mnli.best)).toEqual(
      expect.arrayContaining(['accuracy', 'accuracy_mm', 'loss', 'loss_mm', 'combined_score']),
    );
    expect(Object.keys(json(join(out, 'cola', 'eval_results.json')).best)).toContain('matthews_correlation');
    expect(Object.keys(json(join(out, 'stsb', 'eval_results.json')).best)).toEqual(
      expect.arrayContaining(['pearson', 'spearmanr']),
    );
    const files = [
      'CoLA.tsv',
      'SST-2.tsv',
      'MRPC.tsv',
      'QQP.tsv',
      'STS-B.tsv',
      'MNLI-m.tsv',
      'MNLI-mm.tsv',
      'QNLI.tsv',
      'RTE.tsv',
      'WNLI.tsv',
      'AX.tsv',
    ];
    for (const f of files) {
      const text = readFileSync(join(out, 'submission', f), 'utf8');
      const lines = text.trim().split('\n');
      expect(lines[0], f).toBe('index\tprediction');
      for (const l of lines.slice(1)) {
        const [idx, pred] = l.split('\t');
        expect(idx, f).toMatch(/^\d+$/);
        if (f === 'STS-B.tsv') expect(Number(pred) >= 0 && Number(pred) <= 5, f).toBe(true);
        else if (['MNLI-m.tsv', 'MNLI-mm.tsv', 'AX.tsv'].includes(f))
          expect(['entailment', 'neutral', 'contradiction']).toContain(pred);
        else if (['QNLI.tsv', 'RTE.tsv'].includes(f))
          expect(['entailment', 'not_entailment']).toContain(pred);
        else expect(['0', '1']).toContain(pred);
      }
    }
    // AX: every diagnostic row predicted
    expect(
      readFileSync(join(out, 'submission', 'AX.tsv'), 'utf8')
        .trim()
        .split('\n'),
    ).toHaveLength(3);
    const stdout = io.out.join('');
    expect(stdout).toContain(
      '| CoLA (MCC) | SST-2 | QQP acc/F1 | MNLI m/mm | QNLI | MRPC F1/acc | STS-B P/S | RTE | WNLI | Avg |',
    );
    expect(stdout).toMatch(/\| -?\d+\.\d \| \d+\.\d \| \d+\.\d\/\d+\.\d \| \d+\.\d\/\d+\.\d \|/);
    const md = readFileSync(join(out, 'glue_results.md'), 'utf8');
    expect(md).toContain('| CoLA (MCC) |');
    expect(json(join(out, 'glue_results.json')).mnli_init).toBe(join(out, 'mnli'));
  });

  it('--task all --mnli-checkpoint: MNLI is not run, the given model initialises MRPC/STS-B/RTE', async () => {
    const mnliModel = await makeTinyModelDir({ numLabels: 3 }, 'sequence-classification');
    const out = tempDir();
    const io = captureIO();
    const code = await runCli(
      [
        '--task',
        'all',
        '--data-dir',
        GLUE_FIXTURES,
        '--model-name-or-path',
        model,
        '--output-dir',
        out,
        ...FAST,
        '--max-steps',
        '1',
        '--mnli-checkpoint',
        mnliModel,
        '--no-do-predict',
        '--no-save-model',
      ],
      io,
    );
    expect(code).toBe(0);
    expect(existsSync(join(out, 'mnli'))).toBe(false);
    expect(json(join(out, 'rte', 'eval_results.json')).model_name_or_path).toBe(mnliModel);
    // the 3-label MNLI classifier was re-initialised for the 2-label / regression tasks
    expect(io.err.join('')).toMatch(
      /classifier\.weight' has shape \[3,8\] but the model expects \[2,8\]: re-initialised/,
    );
  });

  it('a 3-label checkpoint on a 2-label task needs --ignore-mismatched-sizes', async () => {
    const mnliModel = await makeTinyModelDir({ numLabels: 3 }, 'sequence-classification');
    const io = captureIO();
    const args = ['--task', 'rte', '--data-dir', GLUE_FIXTURES, '--model-name-or-path', mnliModel, ...FAST];
    expect(await runCli([...args, '--output-dir', tempDir(), '--max-steps', '1'], io)).toBe(1);
    expect(lastErr(io)).toMatch(
      /^finetune: error: --model-name-or-path .*: its classifier has another label count than this task \(3 in the checkpoint, 2 for this task\); pass --ignore-mismatched-sizes/,
    );
    const out = tempDir();
    const ok = await runCli(
      [...args, '--output-dir', out, '--max-steps', '1', '--ignore-mismatched-sizes'],
      captureIO(),
    );
    expect(ok).toBe(0);
    expect(readFileSync(join(out, 'submission', 'RTE.tsv'), 'utf8')).toMatch(
      /^index\tprediction\n0\t(not_)?entailment\n/,
    );
  });
});

describe('scrolls: long documents', () => {
  const SCROLLS = new URL('./fixtures/scrolls/', import.meta.url).pathname;
  it('trains and predicts at 4096 tokens with the pair split', async () => {
    process.env.BIGS_THREADS = '1';
    await initEngine({ backend: 'wasm', threads: 1, quiet: true });
    const model = await makeTinyModelDir({ maxPositionEmbeddings: 4096 });
    const out = tempDir();
    const io = captureIO();
    const code = await runCli(
      [
        '--task',
        'scrolls',
        '--train-file',
        join(SCROLLS, 'train.jsonl'),
        '--validation-file',
        join(SCROLLS, 'validation.jsonl'),
        '--test-file',
        join(SCROLLS, 'test.jsonl'),
        '--split-input-pair',
        '--model-name-or-path',
        model,
        '--output-dir',
        out,
        ...FAST,
        '--max-steps',
        '1',
        '--per-device-train-batch-size',
        '2',
        '--no-save-model',
      ],
      io,
    );
    expect(io.err.join('')).not.toMatch(/error:/m);
    expect(code).toBe(0);
    expect(io.err.join('')).toContain('L=4096 (padded)');
    const r = json(join(out, 'eval_results.json'));
    expect(r.train.max_seq_length).toBe(4096);
    expect(Object.keys(r.final)).toContain('accuracy');
    const preds = json(join(out, 'submission', 'scrolls_predictions.json'));
    expect(Object.keys(preds)).toEqual(['x0', 'x1']);
    for (const v of Object.values(preds))
      expect(['Contradiction', 'Entailment', 'Not mentioned']).toContain(v);
  });
});

/**
 * End-to-end: the app is spawned as `pnpm pretrain` runs it (tsx, source condition) with a very small model on
 * the embedded corpus, single-threaded wasm (deterministic), and its outputs are checked.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadEmbeddedTokenizer, loadTokenizer } from '@bigs/data';
import { ForwardContext } from '@bigs/gated-blocks';
import { type BiGSForMaskedLM, fromPretrained } from '@bigs/models';
import { initEngine, nativeEngineUnavailable } from '@bigs/ssm-kernels';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../../..');
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const MAIN = join(HERE, 'main.ts');
const WORK = mkdtempSync(join(tmpdir(), 'pretrain-e2e-'));
const MODEL_CONFIG = join(WORK, 'model.json');

/** 12 steps of a 1-layer H=64 BiGS at L=64 (dropout on, so the resume must replay dropout masks too). */
const common = (out: string, extra: string[] = []) => [
  '--model-config',
  MODEL_CONFIG,
  '--output-dir',
  out,
  '--max-seq-length',
  '64',
  '--per-device-train-batch-size',
  '4',
  '--max-steps',
  '12',
  '--save-steps',
  '4',
  '--save-total-limit',
  '0',
  '--logging-steps',
  '1',
  '--eval-steps',
  '6',
  '--max-eval-samples',
  '16',
  '--learning-rate',
  '5e-3',
  '--warmup-steps',
  '2',
  '--backend',
  'wasm',
  '--threads',
  '1',
  ...extra,
];

interface Done {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function start(args: string[], onStderr?: (text: string, child: ChildProcess) => void): Promise<Done> {
  const env = { ...process.env };
  delete env.INIT_CWD;
  const child = spawn(process.execPath, [TSX, '--conditions=@bigs/source', MAIN, ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    onStderr?.(stderr, child);
  });
  return new Promise((res) => child.on('close', (code, signal) => res({ code, signal, stdout, stderr })));
}

const losses = (dir: string) =>
  readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, number>)
    .filter((r) => typeof r.loss === 'number')
    .map((r) => [r.step, r.loss] as [number, number]);

const A = join(WORK, 'a');
const NATIVE_OK = (await nativeEngineUnavailable()) === null;
let runA: Done;

beforeAll(async () => {
  writeFileSync(
    MODEL_CONFIG,
    JSON.stringify({
      hidden_size: 64,
      num_hidden_layers: 1,
      intermediate_size: 128,
      type_vocab_size: 2,
      num_ssm: 8,
      hidden_dropout_prob: 0.1,
    }),
  );
  runA = await start(common(A));
});

afterAll(() => {
  rmSync(WORK, { recursive: true, force: true });
});

describe('pnpm pretrain end to end', () => {
  it('an uninterrupted run writes the model, checkpoints, metrics and the loss curve, and learns', () => {
    expect(runA.code, runA.stderr).toBe(0);
    for (const f of [
      'config.json',
      'model.safetensors',
      'vocab.txt',
      'tokenizer.json',
      'tokenizer_config.json',
    ]) {
      expect(existsSync(join(A, f)), f).toBe(true);
    }
    for (const f of ['metrics.jsonl', 'loss_curve.svg', 'eval_results.json', 'training_args.json']) {
      expect(existsSync(join(A, f)), f).toBe(true);
    }
    expect(
      readdirSync(A)
        .filter((d) => d.startsWith('checkpoint-'))
        .sort(),
    ).toEqual(['checkpoint-12', 'checkpoint-4', 'checkpoint-8']);
    for (const f of [
      'config.json',
      'model.safetensors',
      'vocab.txt',
      'optimizer.safetensors',
      'trainer_state.json',
    ]) {
      expect(existsSync(join(A, 'checkpoint-8', f)), f).toBe(true);
    }
    expect(readFileSync(join(A, 'loss_curve.svg'), 'utf8')).toMatch(/^<svg|<\?xml/);
    const l = losses(A).map(([, v]) => v);
    expect(l.length).toBe(12);
    const head = (l[0]! + l[1]! + l[2]!) / 3;
    const tail = (l[9]! + l[10]! + l[11]!) / 3;
    expect(tail).toBeLessThan(head - 0.3);
    const ev = JSON.parse(readFileSync(join(A, 'eval_results.json'), 'utf8')) as Record<string, number>;
    expect(ev.step).toBe(12);
    expect(ev.eval_loss).toBeGreaterThan(0);
    expect(ev.eval_accuracy).toBeGreaterThanOrEqual(0);
    expect(ev.eval_perplexity).toBeCloseTo(Math.exp(ev.eval_loss!), 3);
    expect(runA.stdout).toMatch(/max_steps at step 12\/12/);
    // The learning report: the final held-out loss beside the unigram baseline of the same masked tokens.
    expect(runA.stdout).toMatch(
      /learned context\? held-out masked-LM loss \d+\.\d{3} \(accuracy [\d.]+ %\) vs unigram baseline \d+\.\d{3} on the same \d+ masked tokens/,
    );
    const report = JSON.parse(readFileSync(join(A, 'learning_report.json'), 'utf8')) as Record<
      string,
      number
    >;
    expect(report.heldOutLoss).toBeCloseTo(ev.eval_loss!, 4); // the last evaluation, re-run on the final model
    expect(report.unigramLoss).toBeGreaterThan(0);
    expect(runA.stderr).toMatch(/MFU: .*FLOP\/token/);
    expect(runA.stderr).toMatch(/mfu \d/);
  });

  it('the output dir and a checkpoint load with fromPretrained, the tokenizer with loadTokenizer', async () => {
    await initEngine({ backend: 'cpu', quiet: true });
    const tok = await loadTokenizer(A);
    const emb = await loadEmbeddedTokenizer();
    expect(tok.vocabSize).toBe(emb.vocabSize);
    expect(tok.encode('Call me Ishmael.').inputIds).toEqual(emb.encode('Call me Ishmael.').inputIds);
    for (const dir of [A, join(A, 'checkpoint-8')]) {
      const { model, report } = await fromPretrained(dir, { logger: () => {} });
      expect(model.headType).toBe('masked-lm');
      expect(report.newlyInitialized).toEqual([]);
      expect(report.mismatched).toEqual([]);
      const ids = tf.tensor2d(
        [Array.from(tok.encode('call me ishmael', null, { maxLength: 16, padding: 'max_length' }).inputIds)],
        [1, 16],
        'int32',
      );
      const out = (model as BiGSForMaskedLM).forward({ inputIds: ids }, { ctx: ForwardContext.eval() });
      expect(out.logits.shape).toEqual([1, 16, tok.vocabSize]);
      tf.dispose([ids, out.logits, out.lastHiddenState]);
      model.dispose();
    }
  });

  it('resuming from checkpoint-8 into a new dir gives the same losses for steps 9–12', async () => {
    const C = join(WORK, 'c');
    const r = await start(common(C, ['--resume-from-checkpoint', join(A, 'checkpoint-8')]));
    expect(r.code, r.stderr).toBe(0);
    const a = new Map(losses(A));
    // The checkpoint's metrics history is carried over: the new dir's metrics.jsonl is continuous from step 1.
    expect(losses(C).map(([s]) => s)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const c = losses(C).filter(([s]) => s > 8);
    expect(c.map(([s]) => s)).toEqual([9, 10, 11, 12]);
    for (const [s, v] of c)
      expect(Math.abs(v - a.get(s)!), `step ${s}`).toBeLessThanOrEqual(1e-5 * Math.abs(v));
  });

  it('SIGTERM saves a checkpoint and exits 143; running again continues with exactly the same losses', async () => {
    const B = join(WORK, 'b');
    let sent = false;
    const first = await start(common(B), (text, child) => {
      if (!sent && /step 3\/12/.test(text)) {
        sent = true;
        child.kill('SIGTERM');
      }
    });
    expect(first.code, first.stderr).toBe(143);
    expect(first.stderr).toMatch(/SIGTERM received: stopping after this step: checkpoint, then exit/);
    const saved = readdirSync(B).filter((d) => d.startsWith('checkpoint-'));
    const stoppedAt = Math.max(...saved.map((d) => Number(d.slice('checkpoint-'.length))));
    expect(stoppedAt).toBeGreaterThanOrEqual(3);
    expect(stoppedAt).toBeLessThan(12);
    expect(existsSync(join(B, `checkpoint-${stoppedAt}`, 'trainer_state.json'))).toBe(true);
    expect(first.stdout).toMatch(/stopped by SIGTERM/);

    const second = await start(common(B)); // same command: auto-resume from the latest checkpoint
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/checkpoint detected, resuming from/);
    const a = losses(A);
    const b = losses(B);
    expect(b.map(([s]) => s)).toEqual(a.map(([s]) => s));
    for (let i = 0; i < a.length; i++) {
      expect(Math.abs(b[i]![1] - a[i]![1]), `step ${a[i]![0]}`).toBeLessThanOrEqual(
        1e-5 * Math.abs(a[i]![1]),
      );
    }
  });

  it.skipIf(process.env.BIGS_REQUIRE_NATIVE !== '1' && !NATIVE_OK)(
    'on --backend native the same run learns, and resuming from its checkpoint-8 repeats steps 9–12 exactly',
    async () => {
      const N = join(WORK, 'n');
      const n = await start(common(N, ['--backend', 'native']));
      expect(n.code, n.stderr).toBe(0);
      expect(n.stderr).toMatch(/engine: native \(@bigs\/tfjs-backend-native@/);
      const l = losses(N).map(([, v]) => v);
      expect(l.length).toBe(12);
      expect((l[9]! + l[10]! + l[11]!) / 3).toBeLessThan((l[0]! + l[1]! + l[2]!) / 3 - 0.3);
      // Same math as wasm up to float32 summation order.
      const a = losses(A).map(([, v]) => v);
      expect(Math.abs(l[0]! - a[0]!)).toBeLessThan(1e-3 * a[0]!);
      const R = join(WORK, 'nr');
      const r = await start(
        common(R, ['--backend', 'native', '--resume-from-checkpoint', join(N, 'checkpoint-8')]),
      );
      expect(r.code, r.stderr).toBe(0);
      const full = new Map(losses(N));
      for (const [s, v] of losses(R).filter(([s]) => s > 8))
        expect(Math.abs(v - full.get(s)!), `step ${s}`).toBeLessThanOrEqual(1e-5 * Math.abs(v));
    },
  );

  it('a bad flag exits 2, an unreadable input 1, each with one line naming the flag or file', async () => {
    const r = await start(['--max-steps', 'ten']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('pretrain: error: --max-steps must be an integer >= 1, got "ten"');
    const m = await start(common(join(WORK, 'm'), ['--train-files', join(WORK, 'nope.txt')]));
    expect(m.code).toBe(1);
    expect(m.stderr).toMatch(
      /pretrain: error: --train-files\/--validation-files: .*nope\.txt does not exist/,
    );
  });
});

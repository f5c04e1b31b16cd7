import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initEngine, nativeEngineUnavailable } from '@bigs/ssm-kernels';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMetrics } from '../logging/metrics-log.js';
import { learningRateAt } from '../optim/schedule.js';
import { type ToyBatch, ToyMlp, ToySource, toyEval, toyLoss } from '../test-utils/toy.js';
import { Trainer, type TrainerOptions } from './trainer.js';
import { NonFiniteError, type StepInfo } from './types.js';

const fresh = () => mkdtempSync(join(tmpdir(), 'bigs-trainer-'));

function options(model: ToyMlp, source: ToySource, extra: Partial<TrainerOptions<ToyBatch>> = {}) {
  return {
    model,
    lossFn: toyLoss(model),
    trainData: source,
    evaluate: toyEval(model),
    optimizer: { beta1: 0.9, beta2: 0.98, epsilon: 1e-6, weightDecay: 0.05 },
    schedule: { kind: 'cosine', peakLearningRate: 0.05, warmupSteps: 3 },
    maxSteps: 12,
    gradientAccumulationSteps: 2,
    seed: 7,
    loggingSteps: 1,
    evalSteps: 4,
    progress: 'none',
    handleSignals: false,
    ...extra,
  } satisfies TrainerOptions<ToyBatch>;
}

/** max_i |a_i − b_i| / max(1, |b_i|); Infinity when the lengths differ. */
function maxRelDiff(a: number[], b: number[]): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  return Math.max(0, ...a.map((x, i) => Math.abs(x - b[i]!) / Math.max(1, Math.abs(b[i]!))));
}

const values = (m: ToyMlp) => m.variables().map((v) => Array.from(v.dataSync()));

describe('Trainer', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('resumes exactly: k steps + crash + restart from checkpoint-k reproduces the uninterrupted losses', async () => {
    // Uninterrupted run (dropout active, accumulation 2, an epoch boundary at step 8: 16 batches/epoch).
    const outA = fresh();
    const mA = new ToyMlp(1);
    const lossesA: number[] = [];
    const tA = new Trainer(
      options(mA, new ToySource(4, 16), {
        outputDir: outA,
        epochs: 2,
        maxSteps: undefined,
        onStep: (i: StepInfo) => {
          lossesA.push(i.loss);
          return undefined;
        },
      }),
    );
    expect(tA.maxSteps).toBe(16);
    const rA = await tA.train();
    expect(rA.stopReason).toBe('max_steps');
    expect(new Set(lossesA).size).toBe(16);

    // Interrupted run: checkpoint every 5 steps, "crash" (exception) after step 8 is logged.
    const outB = fresh();
    const mB = new ToyMlp(1);
    const tB = new Trainer(
      options(mB, new ToySource(4, 16), {
        outputDir: outB,
        epochs: 2,
        maxSteps: undefined,
        saveSteps: 5,
        onStep: (i: StepInfo) => {
          if (i.step === 8) throw new Error('simulated crash');
          return undefined;
        },
      }),
    );
    await expect(tB.train()).rejects.toThrow(/simulated crash/);
    expect(readdirSync(outB).filter((n) => n.startsWith('checkpoint-'))).toEqual(['checkpoint-5']);
    expect(readMetrics(join(outB, 'metrics.jsonl')).at(-1)!.step).toBe(8);
    tB.optimizer.dispose();
    mB.dispose();

    // Fresh "process": new model (different init), new optimizer, new data source; resume from checkpoint-5.
    const mC = new ToyMlp(99);
    const lossesC: number[] = [];
    const tC = new Trainer(
      options(mC, new ToySource(4, 16), {
        outputDir: outB,
        epochs: 2,
        maxSteps: undefined,
        saveSteps: 5,
        onStep: (i: StepInfo) => {
          lossesC.push(i.loss);
          return undefined;
        },
      }),
    );
    await tC.resumeFromCheckpoint(join(outB, 'checkpoint-5'));
    expect(tC.step).toBe(5);
    const rC = await tC.train();
    expect(rC.globalStep).toBe(16);
    expect(lossesC.length).toBe(11);
    // tolerance "float rounding"; on the cpu backend the replay is in fact bit-identical
    expect(maxRelDiff(lossesC, lossesA.slice(5))).toBeLessThanOrEqual(1e-6);
    expect(lossesC).toEqual(lossesA.slice(5));
    expect(maxRelDiff(values(mC).flat(), values(mA).flat())).toBeLessThanOrEqual(1e-6);

    // metrics.jsonl: the crashed run's lines 6..8 were truncated and rewritten; the file equals the uninterrupted one
    const recA = readMetrics(join(outA, 'metrics.jsonl'));
    const recB = readMetrics(join(outB, 'metrics.jsonl'));
    expect(recB.map((r) => r.step)).toEqual(recA.map((r) => r.step));
    const keys = ['loss', 'learning_rate', 'grad_norm', 'eval_loss', 'train_mae', 'epoch', 'tokens_seen'];
    recA.forEach((a, i) => {
      for (const k of keys) {
        const x = a[k];
        const y = recB[i]![k];
        if (typeof x === 'number')
          expect(Math.abs(x - (y as number))).toBeLessThanOrEqual(1e-6 * Math.abs(x));
        else expect(y).toEqual(x);
      }
    });
    for (const m of [mA, mC]) m.dispose();
    tA.optimizer.dispose();
    tC.optimizer.dispose();
  });

  it('writes metrics.jsonl with the documented fields, an SVG and a final checkpoint with its layout', async () => {
    const out = fresh();
    const model = new ToyMlp(3);
    const t = new Trainer(
      options(model, new ToySource(4, 100), {
        outputDir: out,
        maxSteps: 6,
        loggingSteps: 2,
        evalSteps: 3,
        flopsPerToken: 1000,
        peakFlops: 1e9,
      }),
    );
    const r = await t.train();
    expect(r.lastCheckpoint).toBe(join(out, 'checkpoint-6'));
    const recs = readMetrics(join(out, 'metrics.jsonl'));
    expect(recs.map((x) => x.step)).toEqual([2, 3, 4, 6]);
    const first = recs[0]!;
    for (const k of [
      'loss',
      'learning_rate',
      'grad_norm',
      'tokens_per_second',
      'mfu',
      'tokens_seen',
      'train_mae',
    ]) {
      expect(typeof first[k]).toBe('number');
    }
    expect(first.learning_rate).toBeCloseTo(
      learningRateAt({ kind: 'cosine', peakLearningRate: 0.05, warmupSteps: 3, totalSteps: 6 }, 1),
      12,
    );
    expect(first.mfu).toBeCloseTo(((first.tokens_per_second as number) * 1000) / 1e9, 12);
    expect(first.tokens_seen).toBe(2 * 2 * 16);
    expect(Object.keys(recs[1]!).sort()).toEqual(['eval_loss', 'eval_perplexity', 'step']); // eval-only line
    expect(typeof recs[3]!.eval_loss).toBe('number'); // step 6: train + eval merged
    expect(readdirSync(join(out, 'checkpoint-6')).sort()).toEqual([
      'model.safetensors',
      'optimizer.safetensors',
      'trainer_state.json',
    ]);
    const state = JSON.parse(readFileSync(join(out, 'checkpoint-6', 'trainer_state.json'), 'utf8'));
    expect(state.global_step).toBe(6);
    expect(state.rng.seed).toBe(7);
    expect(state.data_cursor).toEqual({ epoch: 0, pos: 12, served: 12 });
    expect(state.log_history.length).toBe(4);
    const svg = readFileSync(join(out, 'loss_curve.svg'), 'utf8');
    expect(svg.startsWith('<?xml')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    t.optimizer.dispose();
    model.dispose();
  });

  it('accumulating k micro-batches equals one step on the concatenated batch (no dropout)', async () => {
    const run = async (rows: number, accum: number) => {
      const model = new ToyMlp(5, 0);
      const t = new Trainer(
        options(model, new ToySource(rows, 64, { shuffle: false }), {
          gradientAccumulationSteps: accum,
          maxSteps: 3,
          evaluate: undefined,
          schedule: { kind: 'constant', peakLearningRate: 0.01 },
        }),
      );
      await t.train();
      const v = values(model);
      t.optimizer.dispose();
      model.dispose();
      return v;
    };
    const a = await run(2, 4); // 4 micro-batches of 2 rows per step
    const b = await run(8, 1); // the same 8 rows as one batch
    expect(maxRelDiff(a.flat(), b.flat())).toBeLessThan(1e-5);
    const c = await run(2, 1); // sanity: a different batch gives different parameters
    expect(c[0]).not.toEqual(b[0]);
  });

  it('stops on a non-finite loss without applying the update and keeps the last good checkpoint', async () => {
    const out = fresh();
    const model = new ToyMlp(4);
    // accumulation 2: batch 9 is the first micro-batch of step 5
    const t = new Trainer(
      options(model, new ToySource(4, 100, { poisonAt: 9 }), {
        outputDir: out,
        saveSteps: 2,
        saveTotalLimit: 1,
        evaluate: undefined,
      }),
    );
    let err: unknown;
    try {
      await t.train();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NonFiniteError);
    const e = err as NonFiniteError;
    expect(e.step).toBe(5);
    expect(e.message).toMatch(/non-finite value at step 5: loss is NaN\. The update was not applied/);
    expect(e.lastCheckpoint).toBe(join(out, 'checkpoint-4'));
    expect(e.message).toContain(join(out, 'checkpoint-4'));
    expect(readdirSync(out).filter((n) => n.startsWith('checkpoint-'))).toEqual(['checkpoint-4']);
    expect(t.step).toBe(4);
    // parameters are still those of checkpoint-4 (the bad update was not applied)
    const reloaded = new ToyMlp(77);
    const t2 = new Trainer(options(reloaded, new ToySource(4, 100), { outputDir: out }));
    await t2.resumeFromCheckpoint(join(out, 'checkpoint-4'));
    const now = values(model);
    expect(values(reloaded)).toEqual(now);
    expect(readMetrics(join(out, 'metrics.jsonl')).at(-1)).toMatchObject({ step: 5, event: 'non_finite' });
    for (const x of [t.optimizer, t2.optimizer, model, reloaded]) x.dispose();
  });

  it('SIGINT: finishes the step, saves, removes its handlers and returns; keep-last-K holds', async () => {
    const out = fresh();
    const model = new ToyMlp(6);
    const listeners = process.listenerCount('SIGINT');
    const source = new ToySource(4, 100, {
      onBatch: (served) => {
        if (served === 11) {
          process.emit('SIGINT', 'SIGINT'); // first micro-batch of step 6
          // Ctrl-C reaches every process of the group and may arrive twice: a repeat within 3 s is the same
          // request (the handler would otherwise call process.exit and this test process would end).
          process.emit('SIGINT', 'SIGINT');
        }
      },
    });
    const t = new Trainer(
      options(model, source, {
        outputDir: out,
        saveSteps: 1,
        saveTotalLimit: 2,
        handleSignals: true,
        evaluate: undefined,
      }),
    );
    const stderr = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    let r: Awaited<ReturnType<typeof t.train>>;
    try {
      expect(process.listenerCount('SIGINT')).toBe(listeners);
      r = await t.train();
    } finally {
      process.stderr.write = stderr;
    }
    expect(r.stopReason).toBe('signal');
    expect(r.signal).toBe('SIGINT');
    expect(r.globalStep).toBe(6);
    expect(
      readdirSync(out)
        .filter((n) => n.startsWith('checkpoint-'))
        .sort(),
    ).toEqual(['checkpoint-5', 'checkpoint-6']);
    expect(process.listenerCount('SIGINT')).toBe(listeners);
    t.optimizer.dispose();
    model.dispose();
  });

  it('a failing saveModel leaves no checkpoint directory', async () => {
    const out = fresh();
    const model = new ToyMlp(8);
    const t = new Trainer(
      options(model, new ToySource(4, 100), {
        outputDir: out,
        maxSteps: 4,
        evaluate: undefined,
        saveModel: async () => {
          throw new Error('saveModel failed (simulated)');
        },
      }),
    );
    await expect(t.train()).rejects.toThrow(/saveModel failed/);
    expect(existsSync(join(out, 'checkpoint-4'))).toBe(false);
    expect(readdirSync(out).sort()).toEqual(['metrics.jsonl']);
    t.optimizer.dispose();
    model.dispose();
  });

  it('re-applies saveTotalLimit after a resume, and a resume into a new dir carries metrics.jsonl over', async () => {
    const ckpts = (dir: string) =>
      readdirSync(dir)
        .filter((n) => n.startsWith('checkpoint-'))
        .sort((x, y) => Number(x.slice(11)) - Number(y.slice(11)));
    const run = async (out: string, extra: Partial<TrainerOptions<ToyBatch>>, resumeFrom?: string) => {
      const model = new ToyMlp(3);
      const t = new Trainer(
        options(model, new ToySource(4, 100), { outputDir: out, evaluate: undefined, ...extra }),
      );
      if (resumeFrom) await t.resumeFromCheckpoint(resumeFrom);
      const r = await t.train();
      t.optimizer.dispose();
      model.dispose();
      return r;
    };
    // The case: four checkpoints on disk (written without a limit), resumed with a limit of two.
    const out = fresh();
    await run(out, { maxSteps: 4, saveSteps: 1 });
    expect(ckpts(out)).toEqual(['checkpoint-1', 'checkpoint-2', 'checkpoint-3', 'checkpoint-4']);
    let seen: string[] = [];
    await run(
      out,
      {
        maxSteps: 5,
        saveSteps: 0,
        saveAtEnd: false,
        saveTotalLimit: 2,
        onStep: () => {
          seen = ckpts(out); // before any save of the resumed run
          return undefined;
        },
      },
      join(out, 'checkpoint-4'),
    );
    expect(seen).toEqual(['checkpoint-3', 'checkpoint-4']);
    // The resumed checkpoint is spared even when it is not among the newest (an explicit older resume).
    const old = fresh();
    await run(old, { maxSteps: 4, saveSteps: 1 });
    const stop = () => {
      seen = ckpts(old);
      return 'stop' as const;
    };
    await run(old, { maxSteps: 4, saveTotalLimit: 1, onStep: stop }, `${join(old, 'checkpoint-2')}/`);
    expect(seen).toEqual(['checkpoint-2', 'checkpoint-4']); // the newest one, and the one resumed from
    expect(ckpts(old)).toEqual(['checkpoint-3', 'checkpoint-4']);

    // Resume into another dir: steps 1..4 come from the checkpoint's history, then the new steps follow.
    const whole = fresh();
    await run(whole, { maxSteps: 8, saveSteps: 4 });
    const next = fresh();
    await run(next, { maxSteps: 8, saveSteps: 4 }, join(whole, 'checkpoint-4'));
    const a = readMetrics(join(whole, 'metrics.jsonl'));
    const b = readMetrics(join(next, 'metrics.jsonl'));
    expect(b.map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(b.slice(0, 4)).toEqual(a.slice(0, 4));
    expect(b.map((r) => r.loss)).toEqual(a.map((r) => r.loss));
    // …and a second resume into that new dir from its own checkpoint keeps its lines (truncated at the step).
    await run(next, { maxSteps: 8, saveSteps: 4 }, join(next, 'checkpoint-8'));
    expect(readMetrics(join(next, 'metrics.jsonl')).map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('resuming from the final checkpoint (killed before the run ended) repeats no metrics line', async () => {
    for (const evalSteps of [0, 4]) {
      const out = fresh();
      const run = async (resumeFrom?: string) => {
        const model = new ToyMlp(5);
        const t = new Trainer(
          options(model, new ToySource(4, 100), { outputDir: out, maxSteps: 4, saveSteps: 2, evalSteps }),
        );
        if (resumeFrom) await t.resumeFromCheckpoint(resumeFrom);
        await t.train();
        t.optimizer.dispose();
        model.dispose();
      };
      await run();
      const whole = readFileSync(join(out, 'metrics.jsonl'), 'utf8');
      expect(readMetrics(join(out, 'metrics.jsonl')).filter((r) => r.eval_loss !== undefined)).toHaveLength(
        1,
      );
      await run(join(out, 'checkpoint-4')); // as after a kill -9 between the final save and the process's end
      const strip = (text: string) =>
        text
          .trim()
          .split('\n')
          .map((l) => JSON.stringify({ ...JSON.parse(l), tokens_per_second: 0, mfu: 0, elapsed_seconds: 0 }));
      expect(strip(readFileSync(join(out, 'metrics.jsonl'), 'utf8')), `evalSteps ${evalSteps}`).toEqual(
        strip(whole),
      );
    }
  });

  it('does not leak tensors over 2000 steps of a 10-parameter model', async () => {
    const w = tf.variable(tf.tensor1d([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]));
    const b = tf.variable(tf.scalar(0));
    const { Module } = await import('@bigs/gated-blocks');
    class Tiny extends Module {
      constructor() {
        super();
        this.addParam('w', tf.clone(w), { weightDecay: true });
        this.addParam('b', tf.clone(b), { weightDecay: false });
      }
    }
    tf.dispose([w, b]);
    const tiny = new Tiny();
    expect(tiny.numParameters()).toBe(10);
    const [vw, vb] = tiny.variables() as [tf.Variable, tf.Variable];
    const counts: number[] = [];
    const t = new Trainer<ToyBatch>({
      model: tiny,
      lossFn: (batch, ctx) => {
        const x = tf.tensor2d(batch.x.subarray(0, 9 * 2), [2, 9]); // [2, 9]
        let h = tf.add(tf.sum(tf.mul(x, vw), 1), vb); // [2]
        h = tf.dropout(h, 0.1, undefined, ctx.nextSeed());
        return { loss: tf.mean(tf.square(h)) as tf.Scalar, metrics: { h: tf.mean(h) as tf.Scalar } };
      },
      trainData: new ToySource(8, 5000, { shuffle: false }),
      optimizer: { weightDecay: 0.01 },
      schedule: { kind: 'linear', peakLearningRate: 1e-3, warmupRatio: 0.1 },
      maxSteps: 2000,
      gradientAccumulationSteps: 2,
      maxGradNorm: 0.5,
      loggingSteps: 100,
      progress: 'none',
      handleSignals: false,
      onStep: (i) => {
        if (i.step === 10 || i.step === 1000 || i.step === 2000) counts.push(tf.memory().numTensors);
        return undefined;
      },
    });
    await t.train();
    expect(counts.length).toBe(3);
    expect(counts[1]).toBe(counts[0]);
    expect(counts[2]).toBe(counts[0]);
    t.optimizer.dispose();
    tiny.dispose();
  });
});

/** wasm, and native where its addon built (CI requires it: BIGS_REQUIRE_NATIVE=1). */
const FAST_ENGINES: Array<'wasm' | 'native'> =
  (await nativeEngineUnavailable()) === null || process.env.BIGS_REQUIRE_NATIVE === '1'
    ? ['wasm', 'native']
    : ['wasm'];

describe.each(FAST_ENGINES)('Trainer on the %s backend', (engine) => {
  beforeAll(async () => {
    await initEngine({ backend: engine, threads: 1, quiet: true });
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('resumes exactly (dropout on, accumulation 2)', async () => {
    const losses = async (init: number, out: string, resumeFrom?: string, stopAt?: number) => {
      const model = new ToyMlp(init);
      const seen: number[] = [];
      const t = new Trainer(
        options(model, new ToySource(4, 16), {
          outputDir: out,
          maxSteps: 8,
          evaluate: undefined,
          onStep: (i: StepInfo) => {
            seen.push(i.loss);
            return i.step === stopAt ? 'stop' : undefined;
          },
        }),
      );
      if (resumeFrom) await t.resumeFromCheckpoint(resumeFrom);
      await t.train();
      const params = values(model);
      t.optimizer.dispose();
      model.dispose();
      return { seen, params };
    };
    expect(tf.getBackend()).toBe(engine);
    const full = await losses(1, fresh());
    const out = fresh();
    const first = await losses(1, out, undefined, 3);
    expect(first.seen).toEqual(full.seen.slice(0, 3));
    const rest = await losses(42, out, join(out, 'checkpoint-3'));
    expect(maxRelDiff(rest.seen, full.seen.slice(3))).toBeLessThanOrEqual(1e-6);
    expect(rest.seen).toEqual(full.seen.slice(3)); // bit-identical here as well
    expect(maxRelDiff(rest.params.flat(), full.params.flat())).toBeLessThanOrEqual(1e-6);
  });
});

import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { f64, testBackends, uniform, useBackend } from '../../test/helpers/f64.js';
import { ForwardContext } from '../module/context.js';
import type { Block, BlockArchitecture } from './block.js';
import { createBlock } from './create-block.js';

const B = 2;
const L = 7;
const H = 8;
const I = 16;
const GRID: Array<[BlockArchitecture, string, string]> = [
  ['stack', 'attention', 'BERT'],
  ['stack', 'bissm', 'STACK/SSM'],
  ['gated', 'attention', 'GATED/attention'],
  ['gated', 'bissm', 'BiGS'],
];

function make(architecture: BlockArchitecture, routing: string): Block {
  return createBlock({
    architecture,
    routing,
    hiddenSize: H,
    intermediateSize: I,
    numSsm: 4,
    numAttentionHeads: 2,
    hiddenDropoutProb: 0,
    attentionDropoutProb: 0,
    initializerRange: 0.2,
    seed: 5,
  });
}

for (const backend of await testBackends()) {
  describe(`the paper's 2×2 on ${backend}`, () => {
    afterAll(() => tf.disposeVariables());

    for (const [arch, routing, label] of GRID) {
      it(`${label} (${arch}/${routing}): Adam lowers a toy loss; every parameter gets a nonzero gradient; no leaks`, async () => {
        await useBackend(backend);
        const blk = make(arch, routing);
        const x = tf.tensor3d(Float32Array.from(uniform(B * L * H, 1, -1, 1)), [B, L, H]);
        const target = tf.tensor3d(Float32Array.from(uniform(B * L * H, 2, -1, 1)), [B, L, H]);
        const mask = tf.tensor2d(
          Float32Array.from({ length: B * L }, (_, i) => (i % L < L - 2 ? 1 : 0)),
          [B, L],
        );
        const lossFn = () =>
          tf.tidy(
            () =>
              tf.mean(tf.square(tf.sub(blk.forward(x, mask, ForwardContext.train(7)), target))) as tf.Scalar,
          );

        // gradients reach every parameter
        const { value, grads } = tf.variableGrads(lossFn, blk.variables());
        for (const [name, p] of blk.namedParameters()) {
          const g = grads[p.variable.name];
          expect(g, name).toBeDefined();
          const gv = f64(g!);
          expect(gv.every(Number.isFinite), name).toBe(true);
          expect(Math.max(...gv.map(Math.abs)), name).toBeGreaterThan(0);
        }
        tf.dispose([value, ...Object.values(grads)]);

        // memory: forward + backward repeatedly keeps the tensor count flat
        const step = () => {
          const r = tf.variableGrads(lossFn, blk.variables());
          tf.dispose([r.value, ...Object.values(r.grads)]);
        };
        step();
        const before = tf.memory().numTensors;
        step();
        step();
        expect(tf.memory().numTensors).toBe(before);

        // a few Adam steps lower the loss
        const opt = tf.train.adam(0.02);
        const losses: number[] = [];
        for (let s = 0; s < 6; s++) {
          const l = opt.minimize(lossFn, true, blk.variables()) as tf.Scalar;
          losses.push(l.dataSync()[0]!);
          l.dispose();
        }
        expect(losses[losses.length - 1]!).toBeLessThan(losses[0]! * 0.95);
        opt.dispose();
        tf.dispose([x, target, mask]);
        blk.dispose();
      });
    }
  });
}

describe('createBlock', () => {
  it('builds the 2×2 with the right classes and defaults, and rejects bad config', async () => {
    await useBackend('cpu');
    const bigs = createBlock({
      architecture: 'gated',
      routing: 'bissm',
      hiddenSize: H,
      intermediateSize: I,
      numSsm: 4,
    });
    expect(bigs.architecture).toBe('gated');
    expect((bigs as unknown as { preNorm: boolean }).preNorm).toBe(true);
    expect(bigs.routing.info.name).toBe('bissm');
    const bert = createBlock({
      architecture: 'stack',
      routing: 'attention',
      hiddenSize: H,
      intermediateSize: I,
    });
    expect((bert as unknown as { preNorm: boolean }).preNorm).toBe(false);
    expect(bert.routing.info.usesMask).toBe(true);
    expect(() =>
      createBlock({
        architecture: 'parallel' as never,
        routing: 'bissm',
        hiddenSize: H,
        intermediateSize: I,
      }),
    ).toThrow(/architecture must be 'gated' \| 'stack', got "parallel"/);
    expect(() =>
      createBlock({ architecture: 'gated', routing: 'lstm', hiddenSize: H, intermediateSize: I }),
    ).toThrow(/unknown routing layer "lstm"; registered: bissm, attention/);
    // routingOptions override the flat fields
    const b2 = createBlock({
      architecture: 'gated',
      routing: 'bissm',
      hiddenSize: H,
      intermediateSize: I,
      numSsm: 4,
      routingOptions: { numSsm: 6 },
    });
    expect(b2.parameterMap().get('routing.fs4.A_re')!.variable.shape).toEqual([6]);
    bigs.dispose();
    bert.dispose();
    b2.dispose();
  });
});

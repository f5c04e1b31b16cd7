/**
 * Kernel census of one BiGS MLM training step on `native`: wraps every registered kernel with a timer and
 * prints the time share per kernel. `npx tsx --conditions=@bigs/source tools/bench/src/census.ts [H] [layers] [B] [L] [V]`
 */
import { ForwardContext } from '@bigs/gated-blocks';
import { BiGSForMaskedLM, createConfig } from '@bigs/models';
import { initEngine } from '@bigs/ssm-kernels';
import { AdamW } from '@bigs/trainer';
import * as tf from '@tensorflow/tfjs';

const [H = 1024, layers = 2, B = 8, L = 128, V = 30522] = process.argv.slice(2).map(Number);
await initEngine({ backend: 'native', quiet: true });
const times = new Map<string, { ms: number; calls: number }>();
for (const k of tf.getKernelsForBackend('native')) {
  const run = k.kernelFunc;
  tf.unregisterKernel(k.kernelName, 'native');
  tf.registerKernel({
    ...k,
    kernelFunc: (args) => {
      const t0 = performance.now();
      const out = run(args);
      const e = times.get(k.kernelName) ?? { ms: 0, calls: 0 };
      e.ms += performance.now() - t0;
      e.calls++;
      times.set(k.kernelName, e);
      return out;
    },
  });
}
const config = createConfig({
  vocabSize: V,
  hiddenSize: H,
  numHiddenLayers: layers,
  intermediateSize: 3 * H,
  maxPositionEmbeddings: L,
  numSsm: 64,
  blockArchitecture: 'gated',
  routing: 'bissm',
  kernelLength: 'input',
});
const model = new BiGSForMaskedLM(config, { seed: 1 });
const opt = new AdamW(model, { beta1: 0.9, beta2: 0.98, epsilon: 1e-6, weightDecay: 0.05 });
const M = Math.round(L * 0.15);
const ids = tf.randomUniform([B, L], 5, V, 'int32', 1); // [B, L]
const pos = tf.randomUniform([B, M], 1, L - 1, 'int32', 2); // [B, M]
const lab = tf.randomUniform([B, M], 5, V, 'int32', 3); // [B, M]
const vars = opt.trainableVariables();
const parts = { fwdbwd: 0, opt: 0 };
const step = (i: number) => {
  const t0 = performance.now();
  const { value, grads } = tf.variableGrads(
    () =>
      model.forward(
        { inputIds: ids, maskedPositions: pos, maskedLabels: lab },
        { ctx: ForwardContext.train(i) },
      ).loss!,
    vars,
  );
  value.dataSync();
  const t1 = performance.now();
  opt.applyGradients(opt.gradsByParamName(grads), 1e-4);
  const t2 = performance.now();
  parts.fwdbwd = t1 - t0;
  parts.opt = t2 - t1;
  tf.dispose([value, grads]);
};
step(0);
times.clear();
const t0 = performance.now();
step(1);
const wall = performance.now() - t0;
const total = [...times.values()].reduce((s, e) => s + e.ms, 0);
console.log(
  `H=${H} layers=${layers} B=${B} L=${L} V=${V}: step ${wall.toFixed(0)} ms (fwd+bwd ${parts.fwdbwd.toFixed(0)}, AdamW ${parts.opt.toFixed(0)}), kernels ${total.toFixed(0)} ms`,
);
for (const [name, e] of [...times].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25))
  console.log(
    `${name.padEnd(24)} ${String(e.calls).padStart(5)} calls ${e.ms.toFixed(1).padStart(9)} ms ${((100 * e.ms) / wall).toFixed(1).padStart(5)}%`,
  );

/**
 * Toeplitz vs FFT crossover of longConv on the `native` backend (fwd+bwd, shared kernel, causal,
 * B·H = 8·768), per-token times, the L = 4096 vs 512 ratio, and the C++ vs JS FFT kernel.
 *
 *   npx tsx --conditions=@bigs/source packages/ssm-kernels/scripts/native-crossover.ts [--reps 3] [--js]
 */
import '@bigs/tfjs-backend-native';
import * as tf from '@tensorflow/tfjs';
import { fftConvBackward, fftConvForward } from '../src/conv/fft-core.js';
import { longConv } from '../src/conv/long-conv.js';
import { registerNativeSsmKernels } from '../src/engine/register-native-kernels.js';

const args = process.argv.slice(2);
const reps = Number(args[args.indexOf('--reps') + 1] ?? 3) || 3;
const B = 8;
const H = 768;
const LS = [64, 128, 256, 384, 512, 768, 1024, 2048, 4096];

function timeFwdBwd(L: number, strategy: 'toeplitz' | 'fft'): number {
  const u = tf.randomNormal([B, L, H]) as tf.Tensor3D;
  const k = tf.randomNormal([L]);
  const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(longConv(a, b, undefined, { strategy })));
  const once = () => {
    const t0 = performance.now();
    const out = g([u, k]);
    for (const t of out) t.dataSync();
    tf.dispose(out);
    return performance.now() - t0;
  };
  once(); // warm-up
  const ts = Array.from({ length: reps }, once).sort((a, b) => a - b);
  tf.dispose([u, k]);
  return ts[Math.floor(ts.length / 2)]!;
}

async function main(): Promise<void> {
  if (!registerNativeSsmKernels()) throw new Error('native C++ kernels unavailable (addon not built?)');
  await tf.setBackend('native');
  const rows: string[] = [];
  let crossover = 0;
  let fftAt: Record<number, number> = {};
  let toeplitzDone = false;
  for (const L of LS) {
    const f = timeFwdBwd(L, 'fft');
    fftAt[L] = f;
    const t = toeplitzDone ? Number.NaN : timeFwdBwd(L, 'toeplitz');
    if (!toeplitzDone && t <= f) crossover = L;
    if (t > 4 * f) toeplitzDone = true; // Toeplitz is O(L²): stop once it is clearly behind
    const perTok = (ms: number) => ((ms * 1e6) / (B * L)).toFixed(0);
    rows.push(
      `| ${L} | ${Number.isNaN(t) ? '—' : `${t.toFixed(1)} (${perTok(t)})`} | ${f.toFixed(1)} (${perTok(f)}) | ${Number.isNaN(t) ? 'fft' : t <= f ? 'toeplitz' : 'fft'} |`,
    );
    console.log(rows.at(-1));
  }
  console.log(
    '\n| L | toeplitz fwd+bwd ms (ns/token) | fft fwd+bwd ms (ns/token) | faster |\n|---|---|---|---|',
  );
  console.log(rows.join('\n'));
  console.log(`\nmeasured crossover (largest L where Toeplitz won): ${crossover}`);
  const ratio = fftAt[4096]! / 4096 / (fftAt[512]! / 512);
  console.log(`fft per-token time L=4096 vs L=512: ${ratio.toFixed(2)}×`);
  if (args.includes('--js')) {
    for (const L of [512, 4096]) {
      const u = new Float32Array(B * L * H).map(() => Math.random() - 0.5);
      const k = new Float32Array(L).map(() => Math.random() - 0.5);
      const t0 = performance.now();
      fftConvForward(u, k, B, L, H, true, false);
      fftConvBackward(u, u, k, B, L, H, true, false);
      const js = performance.now() - t0;
      console.log(
        `L=${L}: JS fft.js kernels fwd+bwd ${js.toFixed(0)} ms vs native C++ (via longConv) ${fftAt[L]!.toFixed(1)} ms`,
      );
    }
  }
  fftAt = {};
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

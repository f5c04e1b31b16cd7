/**
 * `dense`: matmul + bias whose forward and backward stay on each backend's fast path.
 *
 * On wasm only plain untransposed 2-D `matMul` reaches XNNPACK (docs/guide/architecture.md#wasm-engine). So `x` is
 * reshaped to 2-D, multiplied with a plain `matMul`, and a `tf.customGrad` computes
 * `dx = dy·wᵀ`, `dw = xᵀ·dy` with explicit `tf.transpose` + plain 2-D `matMul`, and `db = Σ_rows dy`.
 * On `native` ({@link matMulTakesTransposeFlags}) the gradient passes `transposeA` / `transposeB` to
 * `matMul` instead: the addon's GEMM takes them as flags, so no Transpose kernel runs.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * Whether the active backend's `BatchMatMul` applies `transposeA` / `transposeB` as GEMM flags (no
 * Transpose kernel, no slow path): the `native` backend (`@bigs/tfjs-backend-native`). Checked by
 * capability: the backend instance stores tensors as typed arrays behind a GEMM addon (`makeFloatOutput`,
 * `valuesOf`) and has a `BatchMatMul` kernel — not by the name alone.
 * @example
 * matMulTakesTransposeFlags(); // true on native, false on cpu / wasm
 */
export function matMulTakesTransposeFlags(backendName: string = tf.getBackend()): boolean {
  if (backendName !== 'native' || tf.getKernel('BatchMatMul', backendName) === undefined) return false;
  // biome-ignore lint/suspicious/noExplicitAny: duck-typed NativeBackend (no import of the optional package here)
  const be = tf.engine().findBackend(backendName) as any;
  return typeof be?.makeFloatOutput === 'function' && typeof be?.valuesOf === 'function';
}

/** dx = dy·wᵀ and dw = xᵀ·dy: GEMM transpose flags where they are free, else explicit transposes. */
function matMulGrads(dy2: tf.Tensor2D, xs: tf.Tensor2D, ws: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D] {
  if (matMulTakesTransposeFlags()) return [tf.matMul(dy2, ws, false, true), tf.matMul(xs, dy2, true, false)];
  return [tf.matMul(dy2, tf.transpose(ws)), tf.matMul(tf.transpose(xs), dy2)];
}

function checkArgs(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor | undefined): void {
  if (x.rank < 1) throw new Error(`dense: x must have rank >= 1, got shape [${x.shape}]`);
  if (w.rank !== 2) throw new Error(`dense: w must be 2-D [in, out], got shape [${w.shape}]`);
  const inDim = x.shape[x.rank - 1];
  if (inDim !== w.shape[0]) {
    throw new Error(`dense: x's last dimension (${inDim}) must equal w.shape[0] (${w.shape[0]})`);
  }
  if (b !== undefined && (b.rank !== 1 || b.shape[0] !== w.shape[1])) {
    throw new Error(`dense: b must have shape [${w.shape[1]}], got [${b.shape}]`);
  }
  for (const [name, t] of [
    ['x', x],
    ['w', w],
    ['b', b],
  ] as const) {
    if (t !== undefined && t.dtype !== 'float32')
      throw new Error(`dense: ${name} must be float32, got ${t.dtype}`);
  }
}

/** y = x·w on a 2-D view of x, with the fast-path gradient. */
const denseNoBias = tf.customGrad(((x: tf.Tensor, w: tf.Tensor, save: tf.GradSaveFunc) => {
  const inDim = w.shape[0] as number;
  const outDim = w.shape[1] as number;
  const x2 = tf.reshape(x, [-1, inDim]) as tf.Tensor2D; // [N, in]
  save([x2, w]);
  const y2 = tf.matMul(x2, w as tf.Tensor2D); // [N, out]
  return {
    value: tf.reshape(y2, [...x.shape.slice(0, -1), outDim]), // [..., out]
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      const dy2 = tf.reshape(dy, [-1, outDim]) as tf.Tensor2D; // [N, out]
      const [dx2, dw] = matMulGrads(dy2, xs, ws); // [N, in], [in, out]
      const dx = tf.reshape(dx2, x.shape); // [..., in]
      return [dx, dw];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor, w: tf.Tensor) => tf.Tensor;

/** y = x·w + b on a 2-D view of x, with the fast-path gradient. */
const denseBias = tf.customGrad(((x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  const inDim = w.shape[0] as number;
  const outDim = w.shape[1] as number;
  const x2 = tf.reshape(x, [-1, inDim]) as tf.Tensor2D; // [N, in]
  save([x2, w]);
  const y2 = tf.add(tf.matMul(x2, w as tf.Tensor2D), b); // [N, out]
  return {
    value: tf.reshape(y2, [...x.shape.slice(0, -1), outDim]), // [..., out]
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      const dy2 = tf.reshape(dy, [-1, outDim]) as tf.Tensor2D; // [N, out]
      const [dx2, dw] = matMulGrads(dy2, xs, ws); // [N, in], [in, out]
      const dx = tf.reshape(dx2, x.shape); // [..., in]
      const db = tf.sum(dy2, 0); // [out]
      return [dx, dw, db];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (
  x: tf.Tensor,
  w: tf.Tensor,
  b: tf.Tensor,
) => tf.Tensor;

/**
 * Dense layer `y = x·w (+ b)` for any leading shape, with a gradient that uses only plain 2-D `matMul`
 * and explicit transposes (fast on wasm, unchanged values everywhere).
 *
 * @param x `[..., in]` float32 activations.
 * @param w `[in, out]` float32 weights.
 * @param b optional `[out]` float32 bias.
 * @returns `[..., out]`.
 * @example
 * const y = dense(tf.zeros([8, 128, 768]), tf.zeros([768, 3072]), tf.zeros([3072])); // [8, 128, 3072]
 */
export function dense<R extends tf.Rank>(
  x: tf.Tensor<R>,
  w: tf.Tensor2D | tf.Tensor,
  b?: tf.Tensor,
): tf.Tensor<R> {
  checkArgs(x, w, b);
  return (b === undefined ? denseNoBias(x, w) : denseBias(x, w, b)) as tf.Tensor<R>;
}

/**
 * The same computation with tfjs's built-in ops and gradients (`tf.matMul` on the original rank +
 * `tf.add`): the reference `dense` is tested and benchmarked against.
 *
 * @example
 * const y = denseReference(tf.zeros([4, 16]), tf.zeros([16, 8])); // [4, 8]
 */
export function denseReference<R extends tf.Rank>(
  x: tf.Tensor<R>,
  w: tf.Tensor,
  b?: tf.Tensor,
): tf.Tensor<R> {
  checkArgs(x, w, b);
  return tf.tidy(() => {
    const inDim = w.shape[0] as number;
    const outDim = w.shape[1] as number;
    const y = tf.matMul(tf.reshape(x, [-1, inDim]) as tf.Tensor2D, w as tf.Tensor2D); // [N, out]
    const yb = b === undefined ? y : tf.add(y, b); // [N, out]
    return tf.reshape(yb, [...x.shape.slice(0, -1), outDim]) as unknown as tf.Tensor<R>; // [..., out]
  });
}

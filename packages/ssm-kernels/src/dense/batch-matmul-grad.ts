/**
 * A drop-in `BatchMatMul` gradient whose 2-D cases stay on the wasm fast path.
 *
 * tfjs's default gradient computes `dA = matMul(dy, b, false, true)` and `dB = matMul(a, dy, true, false)`.
 * On wasm, `matMul` with `transposeA/transposeB` (or a batch dimension > 1) falls off XNNPACK onto a
 * scalar loop: 20–40× slower (docs/guide/architecture.md#wasm-engine). This gradient computes exactly the same
 * products, but with explicit `tf.transpose` and plain untransposed 2-D `matMul` whenever every batch
 * dimension is 1. Batched inputs (batch > 1) use the same calls as the default gradient; broadcast batch
 * dimensions are summed back to the input's shape (the default gradient throws there).
 */
import * as tf from '@tensorflow/tfjs';

const BATCH_MAT_MUL = 'BatchMatMul';

function product(dims: readonly number[]): number {
  return dims.reduce((p, d) => p * d, 1);
}

/** `g` summed over broadcast dimensions so it has `shape` (no-op when shapes already match). */
function sumToShape(g: tf.Tensor, shape: readonly number[]): tf.Tensor {
  if (g.shape.length === shape.length && g.shape.every((d, i) => d === shape[i])) return g;
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  return tf.reshape(axes.length > 0 ? tf.sum(g, axes) : g, [...shape]);
}

/** The two trailing dimensions of `t` as a 2-D view (`t` has all batch dims equal to 1). */
function as2d(t: tf.Tensor): tf.Tensor2D {
  return (t.rank === 2 ? t : tf.reshape(t, t.shape.slice(-2) as [number, number])) as tf.Tensor2D;
}

/** `gradFunc` of {@link fastBatchMatMulGradConfig}. */
function gradFunc(
  dy: tf.Tensor,
  saved: tf.Tensor[],
  attrs: tf.NamedAttrMap,
): Record<string, () => tf.Tensor> {
  const [a, b] = saved as [tf.Tensor, tf.Tensor];
  const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
  const batched = product(a.shape.slice(0, -2)) !== 1 || product(b.shape.slice(0, -2)) !== 1;
  if (batched) {
    // Same calls as tfjs's default gradient (slow on wasm either way: the forward is batched too).
    const pair: [() => tf.Tensor, () => tf.Tensor] =
      !transposeA && !transposeB
        ? [() => tf.matMul(dy, b, false, true), () => tf.matMul(a, dy, true, false)]
        : !transposeA && transposeB
          ? [() => tf.matMul(dy, b, false, false), () => tf.matMul(dy, a, true, false)]
          : transposeA && !transposeB
            ? [() => tf.matMul(b, dy, false, true), () => tf.matMul(a, dy, false, false)]
            : [() => tf.matMul(b, dy, true, true), () => tf.matMul(dy, a, true, true)];
    return { a: () => sumToShape(pair[0](), a.shape), b: () => sumToShape(pair[1](), b.shape) };
  }
  const T = (t: tf.Tensor2D) => tf.transpose(t) as tf.Tensor2D;
  const mm = (x: tf.Tensor2D, y: tf.Tensor2D) => tf.matMul(x, y) as tf.Tensor2D;
  const back = (g: tf.Tensor2D, like: tf.Tensor) => (g.rank === like.rank ? g : tf.reshape(g, like.shape));
  let da: () => tf.Tensor2D;
  let db: () => tf.Tensor2D;
  if (!transposeA && !transposeB) {
    // C[M,N] = A[M,K]·B[K,N]: dA = dy·Bᵀ, dB = Aᵀ·dy
    da = () => mm(as2d(dy), T(as2d(b))); // [M, K]
    db = () => mm(T(as2d(a)), as2d(dy)); // [K, N]
  } else if (!transposeA && transposeB) {
    // C = A[M,K]·bᵀ, b [N,K]: dA = dy·b, db = dyᵀ·A
    da = () => mm(as2d(dy), as2d(b)); // [M, K]
    db = () => mm(T(as2d(dy)), as2d(a)); // [N, K]
  } else if (transposeA && !transposeB) {
    // C = aᵀ·B, a [K,M]: da = B·dyᵀ, dB = a·dy
    da = () => mm(as2d(b), T(as2d(dy))); // [K, M]
    db = () => mm(as2d(a), as2d(dy)); // [K, N]
  } else {
    // C = aᵀ·bᵀ, a [K,M], b [N,K]: da = bᵀ·dyᵀ, db = dyᵀ·aᵀ
    da = () => mm(T(as2d(b)), T(as2d(dy))); // [K, M]
    db = () => mm(T(as2d(dy)), T(as2d(a))); // [N, K]
  }
  return { a: () => back(da(), a), b: () => back(db(), b) };
}

/** The fast `BatchMatMul` gradient as a tfjs `GradConfig` (what {@link installFastMatMulGradient} registers). */
export const fastBatchMatMulGradConfig: tf.GradConfig = {
  kernelName: BATCH_MAT_MUL,
  inputsToSave: ['a', 'b'],
  gradFunc: gradFunc as tf.GradConfig['gradFunc'],
};

/**
 * Process-wide state, kept on `globalThis`: tfjs's gradient registry is process-wide, while this module
 * may be evaluated more than once (e.g. test runners that re-import sources per file).
 */
interface OverrideState {
  previous: tf.GradConfig | undefined;
  installed: boolean;
}
const STATE_KEY = Symbol.for('@bigs/ssm-kernels/fast-batch-matmul-grad');
function processState(): OverrideState {
  const g = globalThis as Record<symbol, OverrideState | undefined>;
  const existing = g[STATE_KEY];
  if (existing !== undefined) return existing;
  const created: OverrideState = { previous: undefined, installed: false };
  g[STATE_KEY] = created;
  return created;
}
const state = processState();

/**
 * Replace tfjs's global `BatchMatMul` gradient with {@link fastBatchMatMulGradConfig}. Idempotent.
 * Gradient registration is global (all backends); values equal the default gradient's up to float
 * rounding, so it is safe everywhere. `initEngine` calls it for wasm unless told not to.
 *
 * @example
 * installFastMatMulGradient();
 * const g = tf.grad((a: tf.Tensor2D) => tf.matMul(a, w).sum())(a); // [M, K], via plain 2-D matMuls
 */
export function installFastMatMulGradient(): void {
  if (state.installed) return;
  state.previous = tf.getGradient(BATCH_MAT_MUL);
  tf.registerGradient(fastBatchMatMulGradConfig);
  state.installed = true;
}

/**
 * Restore the `BatchMatMul` gradient that was registered before {@link installFastMatMulGradient}
 * (tfjs's default). Used by tests and by the bench's default-gradient reference rows.
 *
 * @example
 * uninstallFastMatMulGradient(); // tf.grad through tf.matMul now uses tfjs's default gradient again
 */
export function uninstallFastMatMulGradient(): void {
  if (!state.installed) return;
  if (state.previous !== undefined) tf.registerGradient(state.previous);
  else tf.unregisterGradient(BATCH_MAT_MUL);
  state.installed = false;
}

/** Whether {@link installFastMatMulGradient} is in effect. */
export function isFastMatMulGradientInstalled(): boolean {
  return state.installed;
}

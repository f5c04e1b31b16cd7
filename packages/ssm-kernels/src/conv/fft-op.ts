import * as tf from '@tensorflow/tfjs';
import { JS_KERNEL_BACKENDS, outputFrom, viewOf } from './backend-io.js';
import { fftConvBackward, fftConvForward } from './fft-core.js';

/** Kernel name of the FFT long convolution (inputs u [B, L, H], k [L] | [H, L]; attr `anticausal`). */
export const LONG_CONV_FFT = 'BigsLongConvFft';
/** Kernel name of its gradient (inputs dy, u, k; outputs du [B, L, H], dk like k). */
export const LONG_CONV_FFT_GRAD = 'BigsLongConvFftGrad';

interface FftAttrs {
  anticausal: boolean;
}

function dims(u: tf.TensorInfo, k: tf.TensorInfo): [number, number, number, boolean] {
  const [B, L, H] = u.shape as [number, number, number];
  return [B, L, H, k.shape.length === 1];
}

let registered = false;

/**
 * Registers the FFT conv kernels for 'cpu', 'wasm' and 'native' and its gradient (idempotent). Called by the
 * package's registration module (register-kernels.ts), not by the ops.
 */
export function registerFftConvKernels(): void {
  if (registered) return;
  registered = true;
  for (const backendName of JS_KERNEL_BACKENDS) {
    if (tf.getKernel(LONG_CONV_FFT, backendName) === undefined) {
      tf.registerKernel({
        kernelName: LONG_CONV_FFT,
        backendName,
        kernelFunc: ({ inputs, backend, attrs }) => {
          const { u, k } = inputs as { u: tf.TensorInfo; k: tf.TensorInfo };
          const [B, L, H, shared] = dims(u, k);
          const anti = (attrs as unknown as FftAttrs).anticausal;
          const y = fftConvForward(viewOf(backend, u), viewOf(backend, k), B, L, H, shared, anti); // [B, L, H]
          return outputFrom(backend, [B, L, H], y);
        },
      });
    }
    if (tf.getKernel(LONG_CONV_FFT_GRAD, backendName) === undefined) {
      tf.registerKernel({
        kernelName: LONG_CONV_FFT_GRAD,
        backendName,
        kernelFunc: ({ inputs, backend, attrs }) => {
          const { dy, u, k } = inputs as { dy: tf.TensorInfo; u: tf.TensorInfo; k: tf.TensorInfo };
          const [B, L, H, shared] = dims(u, k);
          const anti = (attrs as unknown as FftAttrs).anticausal;
          const { du, dk } = fftConvBackward(
            viewOf(backend, dy),
            viewOf(backend, u),
            viewOf(backend, k),
            B,
            L,
            H,
            shared,
            anti,
          );
          // Outputs are created only after the views are no longer used (wasm heap growth detaches views).
          return [outputFrom(backend, [B, L, H], du), outputFrom(backend, [...k.shape], dk)];
        },
      });
    }
  }
  tf.registerGradient({
    kernelName: LONG_CONV_FFT,
    inputsToSave: ['u', 'k'],
    gradFunc: (dy, saved, attrs) => {
      const [u, k] = saved as [tf.Tensor, tf.Tensor];
      // Run eagerly: each closure below runs in its own tidy, so a result shared by both would be disposed.
      const [du, dk] = tf
        .engine()
        .runKernel(LONG_CONV_FFT_GRAD, { dy: dy as tf.Tensor, u, k }, attrs as never) as [
        tf.Tensor,
        tf.Tensor,
      ];
      return { u: () => du, k: () => dk };
    },
  });
}

/**
 * Backend-agnostic fallback: same JS math through dataSync, as a tf.customGrad (works on any backend).
 * @example
 * const y = fftConvPortable(u, k, true); // u [B, L, H], k [L] | [H, L] → y [B, L, H], anticausal
 */
export function fftConvPortable(u: tf.Tensor3D, k: tf.Tensor, anticausal: boolean): tf.Tensor3D {
  const [B, L, H] = u.shape;
  const shared = k.rank === 1;
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [uu, kk, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([uu, kk]);
    const y = fftConvForward(uu.dataSync(), kk.dataSync(), B, L, H, shared, anticausal); // [B, L, H]
    return {
      value: tf.tensor3d(y, [B, L, H]),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [su, sk] = saved as [tf.Tensor, tf.Tensor];
        const { du, dk } = fftConvBackward(
          dy.dataSync(),
          su.dataSync(),
          sk.dataSync(),
          B,
          L,
          H,
          shared,
          anticausal,
        );
        return [tf.tensor3d(du, [B, L, H]), tf.tensor(dk, sk.shape)];
      },
    };
  });
  return f(u, k) as tf.Tensor3D;
}

/**
 * FFT long convolution (no D term): the registered kernel on cpu/wasm/native, the dataSync fallback elsewhere.
 * @param u - [B, L, H]
 * @param k - [L] or [H, L]
 * @returns [B, L, H]
 * @example
 * const y = fftConv(u, k, false); // u [8, 4096, 768], k [4096] → y [8, 4096, 768]
 */
export function fftConv(u: tf.Tensor3D, k: tf.Tensor, anticausal: boolean): tf.Tensor3D {
  if (tf.getKernel(LONG_CONV_FFT, tf.getBackend()) === undefined) return fftConvPortable(u, k, anticausal);
  return tf.engine().runKernel(LONG_CONV_FFT, { u, k }, { anticausal } as never) as tf.Tensor3D;
}

import * as tf from '@tensorflow/tfjs';
import { fftSize } from './fft-core.js';

const NEEDED_KERNELS = ['FFT', 'IFFT', 'Complex', 'Real', 'Imag'];

/** Whether the active backend has the kernels `tf.spectral.rfft/irfft` need. */
export function backendHasSpectral(backendName: string = tf.getBackend()): boolean {
  return NEEDED_KERNELS.every((name) => tf.getKernel(name, backendName) !== undefined);
}

/** x [R, L] → real part of IFFT(FFT(x)·S) restricted to [R, L]; s [R | 1, F] complex with conj applied if asked. */
function applySpectrum(x: tf.Tensor2D, spec: tf.Tensor, conj: boolean, N: number): tf.Tensor2D {
  const [R, L] = x.shape;
  const xf = tf.spectral.rfft(x, N); // [R, F] complex
  const s = conj ? tf.complex(tf.real(spec), tf.neg(tf.imag(spec))) : spec; // [R | 1, F]
  const yf = tf.mul(xf, s); // [R, F]
  return tf.spectral.irfft(yf).slice([0, 0], [R, L]) as tf.Tensor2D; // [R, L]
}

/**
 * `tf.spectral.rfft/irfft` long convolution (no D term) in a tf.customGrad with an explicit FFT backward
 * (tfjs has no gradients for complex ops). Needs a backend with FFT kernels (cpu, tensorflow); slow on cpu.
 * @param u - [B, L, H]
 * @param k - [L] or [H, L]
 * @returns [B, L, H]
 * @example
 * const y = spectralConv(u, k, false); // cpu backend: u [2, 16, 4], k [16] → y [2, 16, 4]
 */
export function spectralConv(u: tf.Tensor3D, k: tf.Tensor, anticausal: boolean): tf.Tensor3D {
  if (!backendHasSpectral()) {
    throw new Error(
      `longConv: strategy 'spectral' needs tf.spectral FFT kernels (${NEEDED_KERNELS.join(', ')}), which backend '${tf.getBackend()}' lacks; use strategy 'fft', 'toeplitz' or 'auto' there`,
    );
  }
  const [B, L, H] = u.shape;
  const N = fftSize(L);
  const shared = k.rank === 1;
  const G = shared ? 1 : H;
  // Channels-first rows: x [B, L, H] → [B·H, L]; kernel spectrum [1 | H, F] broadcast over rows.
  const rows = (x: tf.Tensor) => tf.transpose(x, [0, 2, 1]).reshape([B * H, L]) as tf.Tensor2D; // [B·H, L]
  const unrows = (x: tf.Tensor) => tf.transpose(x.reshape([B, H, L]), [0, 2, 1]); // [B, L, H]
  const kSpec = (kk: tf.Tensor) => {
    const kf = tf.spectral.rfft(kk.reshape([G, L]) as tf.Tensor2D, N); // [G, F]
    if (shared) return kf; // [1, F], broadcasts over B·H rows
    // [H, F] → tile over B: rows are ordered (b, h)
    return tf.complex(tf.tile(tf.real(kf), [B, 1]), tf.tile(tf.imag(kf), [B, 1])); // [B·H, F]
  };
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [uu, kk, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([uu, kk]);
    const value = tf.tidy(() => unrows(applySpectrum(rows(uu), kSpec(kk), anticausal, N)));
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [su, sk] = saved as [tf.Tensor, tf.Tensor];
        return tf.tidy(() => {
          const dyr = rows(dy); // [B·H, L]
          const du = unrows(applySpectrum(dyr, kSpec(sk), !anticausal, N)); // [B, L, H]
          const dyf = tf.spectral.rfft(dyr, N); // [B·H, F]
          const uf = tf.spectral.rfft(rows(su), N); // [B·H, F]
          const p = tf.mul(dyf, tf.complex(tf.real(uf), tf.neg(tf.imag(uf)))); // DY·conj(U) [B·H, F]
          const F = N / 2 + 1;
          // Sum over b (and h for the shared kernel), real and imaginary parts separately.
          const sumRows = (x: tf.Tensor) => (shared ? x.sum(0, true) : x.reshape([B, H, F]).sum(0)); // [G, F]
          const pr = sumRows(tf.real(p));
          const pi = sumRows(tf.imag(p));
          const ps = tf.complex(pr, anticausal ? tf.neg(pi) : pi); // [G, F]
          const dk = tf.spectral.irfft(ps).slice([0, 0], [G, L]).reshape(sk.shape); // [L] | [H, L]
          return [du, dk];
        });
      },
    };
  });
  return f(u, k) as tf.Tensor3D;
}

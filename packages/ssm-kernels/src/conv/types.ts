/** Direction of a long convolution. */
export type ConvDirection = 'causal' | 'anticausal';

/** How the convolution is computed. `auto` picks `toeplitz` or `fft` by a measured crossover length. */
export type ConvStrategy = 'auto' | 'toeplitz' | 'fft' | 'spectral';

/** Options of {@link longConv}. */
export interface LongConvOptions {
  /**
   * `causal` (default): y[t] = Σ_{s≤t} K[t−s]·u[s].
   * `anticausal`: y[t] = Σ_{s≥t} K[s−t]·u[s] (= flip∘causal∘flip, computed without flips).
   */
  direction?: ConvDirection;
  /** Default `auto`. */
  strategy?: ConvStrategy;
}

export const CONV_DIRECTIONS: readonly ConvDirection[] = ['causal', 'anticausal'];
export const CONV_STRATEGIES: readonly ConvStrategy[] = ['auto', 'toeplitz', 'fft', 'spectral'];

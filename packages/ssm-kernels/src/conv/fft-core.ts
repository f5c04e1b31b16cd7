import FFT from 'fft.js';

/**
 * Plain-JS FFT long convolution on typed arrays (fft.js, radix-4, float64 work buffers).
 *
 * Layout: u, y, dy are row-major [B, L, H] (channels last); k is [L] (shared) or [H, L] (per channel).
 * The FFT size N is the smallest power of two ≥ 2L, so the circular convolution equals the linear one.
 * Two real channels (h, h+1) share one complex transform: z = x_h + i·x_{h+1}.
 *
 * Causal:      Y = U·K,        du = IFFT(DY·conj K),  dk = Σ IFFT(DY·conj U)
 * Anticausal:  Y = U·conj K,   du = IFFT(DY·K),       dk = Σ IFFT(U·conj DY) = Σ IFFT(conj(DY·conj U))
 */

const fftCache = new Map<number, FFT>();

/** FFT size used for length L: the smallest power of two ≥ max(2, 2L). */
export function fftSize(L: number): number {
  let n = 2;
  while (n < 2 * L) n *= 2;
  return n;
}

function getFft(n: number): FFT {
  let f = fftCache.get(n);
  if (f === undefined) {
    f = new FFT(n);
    fftCache.set(n, f);
  }
  return f;
}

/**
 * Spectra of G real kernels of length L (zero-padded to N), two per complex transform.
 * @returns Float64Array [G, 2N] (interleaved re, im)
 */
function kernelSpectra(k: ArrayLike<number>, G: number, L: number, N: number, fft: FFT): Float64Array {
  const out = new Float64Array(G * 2 * N); // [G, 2N]
  const inBuf = new Float64Array(2 * N); // [2N], only the first 2L entries are ever written
  const spec = new Float64Array(2 * N); // [2N]
  for (let g = 0; g < G; g += 2) {
    const two = g + 1 < G;
    for (let t = 0; t < L; t++) {
      inBuf[2 * t] = k[g * L + t]!;
      inBuf[2 * t + 1] = two ? k[(g + 1) * L + t]! : 0;
    }
    fft.transform(spec, inBuf);
    const o1 = g * 2 * N;
    const o2 = o1 + 2 * N;
    for (let f = 0; f < N; f++) {
      const nf = (N - f) & (N - 1);
      const zr = spec[2 * f]!;
      const zi = spec[2 * f + 1]!;
      const wr = spec[2 * nf]!;
      const wi = spec[2 * nf + 1]!;
      out[o1 + 2 * f] = 0.5 * (zr + wr);
      out[o1 + 2 * f + 1] = 0.5 * (zi - wi);
      if (two) {
        out[o2 + 2 * f] = 0.5 * (zi + wi);
        out[o2 + 2 * f + 1] = 0.5 * (wr - zr);
      }
    }
  }
  return out;
}

/** Channels handled together: one 64-byte cache line of float32, i.e. 8 complex transforms of 2 channels each. */
const GROUP = 16;

/**
 * Loads channels [h0, h0 + nch) of one batch row-block (base = b·L·H + h0) into interleaved pair buffers:
 * channel h0 + j goes to bufs[j >> 1], real part if j is even, imaginary part if odd. Reads are row-contiguous.
 * Only the first 2L entries of each buffer are written; the tail stays zero.
 */
function loadGroup(
  x: ArrayLike<number>,
  base: number,
  H: number,
  L: number,
  nch: number,
  bufs: Float64Array[],
): void {
  for (let t = 0; t < L; t++) {
    const row = base + t * H;
    for (let j = 0; j < nch; j++) bufs[j >> 1]![2 * t + (j & 1)] = x[row + j]!;
  }
  if (nch & 1) {
    const last = bufs[nch >> 1]!;
    for (let t = 0; t < L; t++) last[2 * t + 1] = 0;
  }
}

function storeGroup(
  out: Float32Array,
  base: number,
  H: number,
  L: number,
  nch: number,
  bufs: Float64Array[],
): void {
  for (let t = 0; t < L; t++) {
    const row = base + t * H;
    for (let j = 0; j < nch; j++) out[row + j] = bufs[j >> 1]![2 * t + (j & 1)]!;
  }
}

const makeBufs = (n: number): Float64Array[] => Array.from({ length: GROUP / 2 }, () => new Float64Array(n));

/**
 * Forward FFT convolution without the D term.
 * @returns y, Float32Array [B, L, H]
 * @example
 * const y = fftConvForward(u, k, 2, 128, 16, true, false); // u [2, 128, 16], k [128] → y Float32Array [2·128·16]
 */
export function fftConvForward(
  u: ArrayLike<number>,
  k: ArrayLike<number>,
  B: number,
  L: number,
  H: number,
  sharedKernel: boolean,
  anticausal: boolean,
): Float32Array {
  const N = fftSize(L);
  const fft = getFft(N);
  const G = sharedKernel ? 1 : H;
  const kf = kernelSpectra(k, G, L, N, fft); // [G, 2N]
  const s = anticausal ? -1 : 1; // conj(K) for anticausal
  const y = new Float32Array(B * L * H); // [B, L, H]
  const inBufs = makeBufs(2 * N); // GROUP/2 × [2N]
  const outBufs = makeBufs(2 * N); // GROUP/2 × [2N]
  const spec = new Float64Array(2 * N);
  const w = new Float64Array(2 * N);
  for (let b = 0; b < B; b++) {
    for (let h0 = 0; h0 < H; h0 += GROUP) {
      const nch = Math.min(GROUP, H - h0);
      const base = b * L * H + h0;
      loadGroup(u, base, H, L, nch, inBufs);
      for (let p = 0; 2 * p < nch; p++) {
        const h = h0 + 2 * p;
        const two = 2 * p + 1 < nch;
        fft.transform(spec, inBufs[p]!);
        if (sharedKernel) {
          // K real ⇒ IFFT((X1 + iX2)·K) = y1 + i·y2: no unpacking needed.
          for (let f = 0; f < N; f++) {
            const xr = spec[2 * f]!;
            const xi = spec[2 * f + 1]!;
            const kr = kf[2 * f]!;
            const ki = s * kf[2 * f + 1]!;
            w[2 * f] = xr * kr - xi * ki;
            w[2 * f + 1] = xr * ki + xi * kr;
          }
        } else {
          const o1 = h * 2 * N;
          const o2 = two ? o1 + 2 * N : o1;
          for (let f = 0; f < N; f++) {
            const nf = (N - f) & (N - 1);
            const zr = spec[2 * f]!;
            const zi = spec[2 * f + 1]!;
            const vr = spec[2 * nf]!;
            const vi = spec[2 * nf + 1]!;
            // X1 = (Z + conj Z[−f]) / 2, X2 = (Z − conj Z[−f]) / 2i
            const x1r = 0.5 * (zr + vr);
            const x1i = 0.5 * (zi - vi);
            const x2r = 0.5 * (zi + vi);
            const x2i = 0.5 * (vr - zr);
            const k1r = kf[o1 + 2 * f]!;
            const k1i = s * kf[o1 + 2 * f + 1]!;
            const k2r = kf[o2 + 2 * f]!;
            const k2i = s * kf[o2 + 2 * f + 1]!;
            // W = X1·K1 + i·(X2·K2)
            w[2 * f] = x1r * k1r - x1i * k1i - (x2r * k2i + x2i * k2r);
            w[2 * f + 1] = x1r * k1i + x1i * k1r + (x2r * k2r - x2i * k2i);
          }
        }
        fft.inverseTransform(outBufs[p]!, w);
      }
      storeGroup(y, base, H, L, nch, outBufs);
    }
  }
  return y;
}

/** Work buffers and sizes of one {@link fftConvBackward} call. */
interface BackwardWork {
  N: number;
  L: number;
  fft: FFT;
  anticausal: boolean;
  /** Frequency-domain product to invert, [2N] interleaved complex. */
  w: Float64Array;
  outBuf: Float64Array;
  dk: Float32Array;
}

/**
 * dk of one or two channels from their accumulated P = Σ DY·conj(U) (f ∈ [0, N/2]): IFFT(Pa' + i·Pb') = dk_a + i·dk_b,
 * with P' = P (causal) or conj(P) (anticausal); f > N/2 is filled by symmetry. Writes rows ga (and ga + 1) of dk.
 */
function finishDk(c: BackwardWork, pa: Float64Array, pb: Float64Array | null, ga: number): void {
  const { N, L, w, outBuf, dk } = c;
  const half = N / 2;
  const sign = c.anticausal ? -1 : 1;
  for (let f = 0; f <= half; f++) {
    const ar = pa[2 * f]!;
    const ai = sign * pa[2 * f + 1]!;
    const br = pb === null ? 0 : pb[2 * f]!;
    const bi = pb === null ? 0 : sign * pb[2 * f + 1]!;
    w[2 * f] = ar - bi;
    w[2 * f + 1] = ai + br;
    if (f > 0 && f < half) {
      const nf = N - f;
      // Pa'[−f] = conj(Pa'[f]) and likewise for Pb'
      w[2 * nf] = ar + bi;
      w[2 * nf + 1] = -ai + br;
    }
  }
  c.fft.inverseTransform(outBuf, w);
  for (let t = 0; t < L; t++) {
    dk[ga * L + t] = outBuf[2 * t]!;
    if (pb !== null) dk[(ga + 1) * L + t] = outBuf[2 * t + 1]!;
  }
}

/**
 * Shared kernel, one packed channel pair: K real ⇒ du pair = IFFT(Zd·K'), no unpacking (fills `w`). With
 * Zd = D1 + i·D2 and Zu = U1 + i·U2 (Hermitian parts): D1·conj U1 + D2·conj U2 = ½ (Zd[f]·conj Zu[f] +
 * conj(Zd[−f]·conj Zu[−f])), accumulated into `p` for f ∈ [0, N/2].
 */
function sharedPairSpectrum(
  specD: Float64Array,
  specU: Float64Array,
  kf: Float64Array,
  s: number,
  w: Float64Array,
  p: Float64Array,
  N: number,
): void {
  const half = N / 2;
  for (let f = 0; f < N; f++) {
    const zr = specD[2 * f]!;
    const zi = specD[2 * f + 1]!;
    const kr = kf[2 * f]!;
    const ki = s * kf[2 * f + 1]!;
    w[2 * f] = zr * kr - zi * ki;
    w[2 * f + 1] = zr * ki + zi * kr;
    if (f <= half) {
      const nf = (N - f) & (N - 1);
      const ar = specU[2 * f]!;
      const ai = specU[2 * f + 1]!;
      const vr = specD[2 * nf]!;
      const vi = specD[2 * nf + 1]!;
      const cr = specU[2 * nf]!;
      const ci = specU[2 * nf + 1]!;
      // a = Zd[f]·conj Zu[f]; b = Zd[−f]·conj Zu[−f]; P += ½ (a + conj b)
      p[2 * f] = p[2 * f]! + 0.5 * (zr * ar + zi * ai + (vr * cr + vi * ci));
      p[2 * f + 1] = p[2 * f + 1]! + 0.5 * (zi * ar - zr * ai - (vi * cr - vr * ci));
    }
  }
}

/** Spectra of a packed channel pair and the offsets of their kernels' spectra. */
interface PairSpectra {
  specD: Float64Array;
  specU: Float64Array;
  kf: Float64Array;
  /** Offsets of the two channels' kernel spectra in `kf`. */
  o1: number;
  o2: number;
  /** −1 causal (conj K), 1 anticausal. */
  s: number;
}

/**
 * Per-channel kernels, one packed channel pair: unpack D1, D2 (and U1, U2), fill `w` with D1·K1' + i·D2·K2' (the du
 * pair) and accumulate P1 += D1·conj U1, P2 += D2·conj U2 for f ∈ [0, N/2].
 */
function channelPairSpectrum(
  x: PairSpectra,
  w: Float64Array,
  p1: Float64Array,
  p2: Float64Array,
  N: number,
): void {
  const { specD, specU, kf, o1, o2, s } = x;
  const half = N / 2;
  for (let f = 0; f < N; f++) {
    const nf = (N - f) & (N - 1);
    const zr = specD[2 * f]!;
    const zi = specD[2 * f + 1]!;
    const vr = specD[2 * nf]!;
    const vi = specD[2 * nf + 1]!;
    const d1r = 0.5 * (zr + vr);
    const d1i = 0.5 * (zi - vi);
    const d2r = 0.5 * (zi + vi);
    const d2i = 0.5 * (vr - zr);
    // du: W = D1·K1' + i·D2·K2'
    const k1r = kf[o1 + 2 * f]!;
    const k1i = s * kf[o1 + 2 * f + 1]!;
    const k2r = kf[o2 + 2 * f]!;
    const k2i = s * kf[o2 + 2 * f + 1]!;
    w[2 * f] = d1r * k1r - d1i * k1i - (d2r * k2i + d2i * k2r);
    w[2 * f + 1] = d1r * k1i + d1i * k1r + (d2r * k2r - d2i * k2i);
    if (f <= half) {
      const ar = specU[2 * f]!;
      const ai = specU[2 * f + 1]!;
      const cr = specU[2 * nf]!;
      const ci = specU[2 * nf + 1]!;
      const u1r = 0.5 * (ar + cr);
      const u1i = 0.5 * (ai - ci);
      const u2r = 0.5 * (ai + ci);
      const u2i = 0.5 * (cr - ar);
      // P += D·conj(U)
      p1[2 * f] = p1[2 * f]! + d1r * u1r + d1i * u1i;
      p1[2 * f + 1] = p1[2 * f + 1]! + d1i * u1r - d1r * u1i;
      p2[2 * f] = p2[2 * f]! + d2r * u2r + d2i * u2i;
      p2[2 * f + 1] = p2[2 * f + 1]! + d2i * u2r - d2r * u2i;
    }
  }
}

/**
 * Backward FFT convolution (gradient of Σ dy·y with respect to u and k; the D term is not included).
 * @returns du Float32Array [B, L, H] and dk Float32Array [L] (shared) or [H, L]
 * @example
 * const { du, dk } = fftConvBackward(dy, u, k, 2, 128, 16, false, true); // k [16, 128] → dk [16·128]
 */
export function fftConvBackward(
  dy: ArrayLike<number>,
  u: ArrayLike<number>,
  k: ArrayLike<number>,
  B: number,
  L: number,
  H: number,
  sharedKernel: boolean,
  anticausal: boolean,
): { du: Float32Array; dk: Float32Array } {
  const N = fftSize(L);
  const fft = getFft(N);
  const G = sharedKernel ? 1 : H;
  const kf = kernelSpectra(k, G, L, N, fft); // [G, 2N]
  const s = anticausal ? 1 : -1; // du uses conj(K) for causal, K for anticausal
  const du = new Float32Array(B * L * H); // [B, L, H]
  const work: BackwardWork = {
    N,
    L,
    fft,
    anticausal,
    w: new Float64Array(2 * N),
    outBuf: new Float64Array(2 * N),
    dk: new Float32Array(G * L), // [G, L]
  };
  const dyBufs = makeBufs(2 * N);
  const uBufs = makeBufs(2 * N);
  const outBufs = makeBufs(2 * N);
  const specD = new Float64Array(2 * N);
  const specU = new Float64Array(2 * N);
  // P = Σ DY·conj(U), Hermitian, so only f ∈ [0, N/2] is accumulated. Shared: one P; per channel: one per channel
  // of the current group.
  const acc = Array.from({ length: sharedKernel ? 1 : GROUP }, () => new Float64Array(N + 2)); // [N/2 + 1] complex
  for (let h0 = 0; h0 < H; h0 += GROUP) {
    const nch = Math.min(GROUP, H - h0);
    if (!sharedKernel) for (const a of acc) a.fill(0);
    for (let b = 0; b < B; b++) {
      const base = b * L * H + h0;
      loadGroup(dy, base, H, L, nch, dyBufs);
      loadGroup(u, base, H, L, nch, uBufs);
      for (let p = 0; 2 * p < nch; p++) {
        const h = h0 + 2 * p;
        fft.transform(specD, dyBufs[p]!);
        fft.transform(specU, uBufs[p]!);
        if (sharedKernel) {
          sharedPairSpectrum(specD, specU, kf, s, work.w, acc[0]!, N);
        } else {
          const o1 = h * 2 * N;
          const o2 = 2 * p + 1 < nch ? o1 + 2 * N : o1; // unused channel: any valid spectrum (D2 = 0)
          const pair = { specD, specU, kf, o1, o2, s };
          channelPairSpectrum(pair, work.w, acc[2 * p]!, acc[2 * p + 1]!, N);
        }
        fft.inverseTransform(outBufs[p]!, work.w);
      }
      storeGroup(du, base, H, L, nch, outBufs);
    }
    if (!sharedKernel) {
      for (let j = 0; j < nch; j += 2) finishDk(work, acc[j]!, j + 1 < nch ? acc[j + 1]! : null, h0 + j);
    }
  }
  if (sharedKernel) finishDk(work, acc[0]!, null, 0);
  return { du, dk: work.dk };
}

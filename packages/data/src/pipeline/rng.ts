/**
 * Seeded pseudo-random numbers for the data pipeline.
 *
 * Generator: **xoshiro128\*\*** (Blackman & Vigna), 128-bit state, seeded by running **splitmix32** over the
 * seed words. Seeds are lists of unsigned 32-bit integers (e.g. `[seed, epoch, shard, index]`), mixed into one
 * state so that every (seed, epoch, shard, index) tuple gets its own independent stream. Same seed words →
 * the same numbers on every platform (only 32-bit integer arithmetic with `Math.imul` and `>>> 0`).
 */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /**
   * @param seed one or more integers (each taken modulo 2^32).
   * @example
   * const rng = new Rng(42, 0); rng.float(); // a number in [0, 1)
   */
  constructor(...seed: number[]) {
    let h = 0x9e3779b9;
    for (const w of seed) {
      if (!Number.isFinite(w)) throw new Error(`Rng: seed words must be finite integers, got ${w}`);
      h = fmix32((h ^ (Math.floor(w) >>> 0)) >>> 0) + 0x6d2b79f5;
      h >>>= 0;
    }
    let x = h;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      return fmix32(x);
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next unsigned 32-bit integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    this.s0 >>>= 0;
    this.s1 >>>= 0;
    this.s2 >>>= 0;
    this.s3 >>>= 0;
    return result;
  }

  /** Uniform float in [0, 1) with 32 bits of resolution. */
  float(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform integer in [0, n) (rejection sampling, no modulo bias). */
  int(n: number): number {
    if (!(n >= 1) || n > 4294967296 || !Number.isInteger(n))
      throw new Error(`Rng.int: n must be an integer in [1, 2^32], got ${n}`);
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const v = this.nextU32();
      if (v < limit) return v % n;
    }
  }

  /** Uniform integer in [lo, hi] inclusive. */
  intBetween(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  /** In-place Fisher–Yates shuffle. */
  shuffle<T>(a: T[] | Int32Array | Uint32Array): void {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i] as T;
      a[i] = a[j] as T;
      a[j] = t as never;
    }
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** MurmurHash3 32-bit finalizer (a bijection on uint32). */
export function fmix32(h: number): number {
  let x = h >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b) >>> 0;
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35) >>> 0;
  x ^= x >>> 16;
  return x >>> 0;
}

/**
 * A seeded random permutation of `0..n-1` (Fisher–Yates driven by `new Rng(...seed)`).
 * @example
 * permutation(5, 42, 0); // Uint32Array [5], e.g. [3, 0, 4, 1, 2]
 */
export function permutation(n: number, ...seed: number[]): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  new Rng(...seed).shuffle(p);
  return p;
}

/**
 * The one seeded random number generator of the project: **xoshiro128\*\*** (Blackman & Vigna, 128-bit state),
 * its four state words drawn by **splitmix32** from a 32-bit seed hash. Only 32-bit integer arithmetic
 * (`Math.imul`, `>>> 0`), so the same seed gives the same numbers on every platform.
 *
 * Two ways to seed it, each a fixed stream that existing checkpoints and datasets depend on (exact resume):
 * - {@link createRng}`(seed)`: one safe integer (weight initialisation);
 * - {@link rngFromWords}`(...words)`: a tuple of integers such as `(seed, epoch, shard, index)` (data order and
 *   masking), so every tuple gets its own independent stream.
 */

/** The golden-ratio increment of splitmix32 (and the start of the word-seed hash). */
const GOLDEN = 0x9e3779b9;

/**
 * The MurmurHash3 32-bit finaliser: a bijection on uint32 that spreads every input bit over the output. The
 * project's only integer hash (seed mixing, dropout seeds).
 *
 * @example
 * fmix32(1); // 1364076727
 */
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
 * Hash two words into one (each word multiplied by its own odd constant, then {@link fmix32}); stable across
 * platforms. Used for per-call seeds such as `mix32(runSeed, counter)`.
 *
 * @example
 * mix32(42, 1); // 2427797307
 */
export function mix32(a: number, b: number): number {
  return fmix32(Math.imul(a ^ GOLDEN, 0x85ebca6b) ^ Math.imul(b + 0x7f4a7c15, 0xc2b2ae35));
}

/** Seeded generator: raw words, uniforms, normals, integers and shuffles from one xoshiro128** stream. */
export class Rng {
  private readonly s = new Uint32Array(4);
  private spare: number | undefined;

  /** From a 32-bit seed hash: four splitmix32 outputs become the state (never all zero). */
  private constructor(seedHash: number) {
    let x = seedHash >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + GOLDEN) >>> 0;
      this.s[i] = fmix32(x);
    }
    if ((this.s[0]! | this.s[1]! | this.s[2]! | this.s[3]!) === 0) this.s[0] = 1;
  }

  /** The generator of a 32-bit seed hash (what {@link createRng} and {@link rngFromWords} compute). */
  static fromSeedHash(seedHash: number): Rng {
    return new Rng(seedHash);
  }

  /** The next raw unsigned 32-bit integer. */
  nextUint32(): number {
    const s = this.s;
    const s0 = s[0]!;
    const s1 = s[1]!;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    const n2 = s[2]! ^ s0;
    const n3 = s[3]! ^ s1;
    s[1] = s1 ^ n2;
    s[0] = s0 ^ n3;
    s[2] = n2 ^ t;
    s[3] = (n3 << 11) | (n3 >>> 21);
    return result;
  }

  /** Uniform in [0, 1) with 32 random bits. */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Standard normal N(0, 1) (Box–Muller; the second value of each pair is cached). */
  normal(): number {
    if (this.spare !== undefined) {
      const v = this.spare;
      this.spare = undefined;
      return v;
    }
    let u1 = this.uniform();
    while (u1 === 0) u1 = this.uniform();
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  /** Uniform integer in [0, n) (rejection sampling, no modulo bias). */
  int(n: number): number {
    if (!(n >= 1) || n > 4294967296 || !Number.isInteger(n))
      throw new Error(`Rng.int: n must be an integer in [1, 2^32], got ${n}`);
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const v = this.nextUint32();
      if (v < limit) return v % n;
    }
  }

  /** Uniform integer in [lo, hi] inclusive. */
  intBetween(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  /** In-place Fisher–Yates shuffle; returns `a`. */
  shuffle<A extends unknown[] | Int32Array | Uint32Array>(a: A): A {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j] as never;
      a[j] = t as never;
    }
    return a;
  }
}

/**
 * A generator seeded by one safe integer (negative values and values ≥ 2³² are folded into the seed hash).
 *
 * @example
 * const rng = createRng(42);
 * rng.uniform(); // a number in [0, 1)
 * rng.normal();  // a number ~ N(0, 1)
 */
export function createRng(seed: number): Rng {
  if (!Number.isSafeInteger(seed)) {
    throw new Error(`createRng: seed must be a safe integer, got ${String(seed)}`);
  }
  const lo = seed >>> 0; // low 32 bits (two's complement for negatives)
  const hi = Math.floor(seed / 4294967296) | 0; // high bits
  return Rng.fromSeedHash(lo ^ Math.imul(hi, 0x27d4eb2d));
}

/**
 * A generator seeded by a tuple of integers (each taken modulo 2³²), e.g. `(seed, epoch, shard, index)`:
 * every tuple gets its own stream.
 *
 * @example
 * rngFromWords(42, 0).uniform(); // a number in [0, 1)
 */
export function rngFromWords(...words: number[]): Rng {
  let h = GOLDEN;
  for (const w of words) {
    if (!Number.isFinite(w)) throw new Error(`Rng: seed words must be finite integers, got ${w}`);
    h = (fmix32((h ^ (Math.floor(w) >>> 0)) >>> 0) + 0x6d2b79f5) >>> 0;
  }
  return Rng.fromSeedHash(h);
}

/**
 * A seeded random permutation of `0..n-1` (Fisher–Yates driven by `rngFromWords(...seed)`).
 *
 * @example
 * permutation(10, 42, 0); // Uint32Array [10] [6, 3, 7, 4, 1, 9, 8, 0, 5, 2]
 */
export function permutation(n: number, ...seed: number[]): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  return rngFromWords(...seed).shuffle(p);
}

/**
 * A seeded permutation of 0..n-1 by Fisher–Yates with a {@link mix32} chain (`state = mix32(state, i)`): the
 * stream finetuning shuffles its training rows with (kept bit-exact so a finetune resume reproduces its order).
 *
 * @example
 * mixPermutation(4, 7); // the same four indices in the same order on every platform
 */
export function mixPermutation(n: number, seed: number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  let state = seed >>> 0;
  for (let i = n - 1; i > 0; i--) {
    state = mix32(state, i);
    const j = state % (i + 1);
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}

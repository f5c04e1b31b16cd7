/**
 * A small, fast, seeded pseudo-random number generator (xoshiro128**, seeded through splitmix32).
 * Deterministic across platforms: the same seed always gives the same stream.
 */
export interface Rng {
  /** The next raw 32-bit unsigned integer. */
  nextUint32(): number;
  /** Uniform in [0, 1) with 32 random bits. */
  uniform(): number;
  /** Standard normal N(0, 1) (Box–Muller; the second value of each pair is cached). */
  normal(): number;
}

function splitmix32(state: number): [number, number] {
  const s = (state + 0x9e3779b9) | 0;
  let z = s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return [s, z >>> 0];
}

/**
 * Create a seeded generator.
 *
 * @param seed - any safe integer (negative and values ≥ 2³² are folded into 64 bits of seed material).
 * @example
 * ```ts
 * const rng = createRng(42);
 * const u = rng.uniform(); // number in [0, 1)
 * const z = rng.normal();  // number ~ N(0, 1)
 * ```
 */
export function createRng(seed: number): Rng {
  if (!Number.isSafeInteger(seed)) {
    throw new Error(`createRng: seed must be a safe integer, got ${String(seed)}`);
  }
  const lo = seed >>> 0; // low 32 bits (two's complement for negatives)
  const hi = Math.floor(seed / 4294967296) | 0; // high bits
  let sm = lo ^ Math.imul(hi, 0x27d4eb2d);
  const st = new Uint32Array(4);
  for (let i = 0; i < 4; i++) {
    const [next, out] = splitmix32(sm);
    sm = next;
    st[i] = out;
  }
  if ((st[0]! | st[1]! | st[2]! | st[3]!) === 0) st[0] = 1;
  let spare: number | undefined;

  const nextUint32 = (): number => {
    const s0 = st[0]!;
    const s1 = st[1]!;
    const s2 = st[2]!;
    const s3 = st[3]!;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    st[1] = s1 ^ n2;
    st[0] = s0 ^ n3;
    st[2] = n2 ^ t;
    st[3] = (n3 << 11) | (n3 >>> 21);
    return result;
  };
  const uniform = (): number => nextUint32() / 4294967296;
  const normal = (): number => {
    if (spare !== undefined) {
      const v = spare;
      spare = undefined;
      return v;
    }
    let u1 = uniform();
    while (u1 === 0) u1 = uniform();
    const u2 = uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  };
  return { nextUint32, uniform, normal };
}

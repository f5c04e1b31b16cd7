import * as tf from '@tensorflow/tfjs';

/** A host array with its logical shape (row-major). */
export interface HostArray {
  readonly values: Float32Array | Float64Array;
  readonly shape: readonly number[];
}

/**
 * Parameters of one BiGS S4D layer (one direction), as tfjs tensors. N = number of complex modes (64).
 * The kernel is shared by every channel.
 */
export interface BiGSSSMParams {
  /** [N] real part before the runtime clip min(A_re, −1e-4). */
  aRe: tf.Tensor;
  /** [N] imaginary part of A. */
  aIm: tf.Tensor;
  /** [N, 2] C_n = c[n,0] + i·c[n,1]. */
  c: tf.Tensor;
  /** [1] scalar skip D (not used by the kernel; used by the convolution / scan). */
  d: tf.Tensor;
  /** [1] log of the scalar step Δ. */
  logStep: tf.Tensor;
}

/** {@link BiGSSSMParams} on the host (plain typed arrays with shapes). */
export interface BiGSSSMHostParams {
  aRe: HostArray; // [N]
  aIm: HostArray; // [N]
  c: HostArray; // [N, 2]
  d: HostArray; // [1]
  logStep: HostArray; // [1]
}

/**
 * Parameters of a standard per-channel S4D kernel (state-spaces/s4 `s4d.py` semantics), as tfjs tensors.
 * H = channels, M = N/2 complex modes per channel.
 */
export interface S4DParams {
  /** [H] log of the per-channel step Δ_h. */
  logDt: tf.Tensor;
  /** [H, M] Re(A) = −exp(logAReal). */
  logAReal: tf.Tensor;
  /** [H, M] Im(A). */
  aImag: tf.Tensor;
  /** [H, M, 2] C = c[...,0] + i·c[...,1]. */
  c: tf.Tensor;
  /** [H] per-channel skip D (not used by the kernel; used by the convolution / scan). */
  d: tf.Tensor;
}

/** {@link S4DParams} on the host. */
export interface S4DHostParams {
  logDt: HostArray; // [H]
  logAReal: HostArray; // [H, M]
  aImag: HostArray; // [H, M]
  c: HostArray; // [H, M, 2]
  d: HostArray; // [H]
}

const fmt = (s: readonly number[]): string => `[${s.join(', ')}]`;

/** Throws unless `actual` equals `expected` (entries given as `undefined` are free and returned). */
export function checkShape(
  where: string,
  name: string,
  actual: readonly number[],
  expected: readonly (number | undefined)[],
): number[] {
  const ok =
    actual.length === expected.length && expected.every((e, i) => e === undefined || e === actual[i]);
  if (!ok) {
    const exp = expected.map((e) => (e === undefined ? '?' : String(e))).join(', ');
    throw new Error(`${where}: ${name} must have shape [${exp}], got ${fmt(actual)}`);
  }
  return actual.slice();
}

/** Validates a host array: shape as expected and values.length = product of the shape. */
export function checkHost(
  where: string,
  name: string,
  a: HostArray | undefined,
  expected: readonly (number | undefined)[],
): number[] {
  if (a === undefined || a === null || a.values === undefined || a.shape === undefined) {
    throw new Error(`${where}: ${name} is missing (expected a { values, shape } host array)`);
  }
  const shape = checkShape(where, name, a.shape, expected);
  const size = shape.reduce((p, q) => p * q, 1);
  if (a.values.length !== size) {
    throw new Error(
      `${where}: ${name}.values must have ${size} entries for shape ${fmt(shape)}, got ${a.values.length}`,
    );
  }
  return shape;
}

/** Validates a positive integer argument. */
export function checkPositiveInt(where: string, name: string, v: number): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new Error(`${where}: ${name} must be an integer >= 1, got ${String(v)}`);
  }
}

/** Validates BiGS host parameters; returns N. */
export function checkBiGSHost(where: string, p: BiGSSSMHostParams): number {
  if (p === undefined || p === null) throw new Error(`${where}: params are missing`);
  const [n] = checkHost(where, 'aRe', p.aRe, [undefined]);
  checkHost(where, 'aIm', p.aIm, [n]);
  checkHost(where, 'c', p.c, [n, 2]);
  checkHost(where, 'd', p.d, [1]);
  checkHost(where, 'logStep', p.logStep, [1]);
  return n!;
}

/** Validates S4D host parameters; returns [H, M]. */
export function checkS4DHost(where: string, p: S4DHostParams): [number, number] {
  if (p === undefined || p === null) throw new Error(`${where}: params are missing`);
  const [h, m] = checkHost(where, 'logAReal', p.logAReal, [undefined, undefined]);
  checkHost(where, 'aImag', p.aImag, [h, m]);
  checkHost(where, 'c', p.c, [h, m, 2]);
  checkHost(where, 'logDt', p.logDt, [h]);
  checkHost(where, 'd', p.d, [h]);
  return [h!, m!];
}

function toTensor(a: HostArray): tf.Tensor {
  return tf.tensor(Float32Array.from(a.values), a.shape.slice(), 'float32');
}

function toHost(t: tf.Tensor): HostArray {
  return { values: Float32Array.from(t.dataSync() as Float32Array), shape: t.shape.slice() };
}

/**
 * Host BiGS parameters → tfjs tensors (float32). The caller owns (and must dispose) the tensors.
 * @example
 * ```ts
 * const p = bigsParamsToTensors(initBiGSSSM(64, { seed: 0 })); // aRe [64], aIm [64], c [64, 2], d [1], logStep [1]
 * ```
 */
export function bigsParamsToTensors(p: BiGSSSMHostParams): BiGSSSMParams {
  checkBiGSHost('bigsParamsToTensors', p);
  return {
    aRe: toTensor(p.aRe),
    aIm: toTensor(p.aIm),
    c: toTensor(p.c),
    d: toTensor(p.d),
    logStep: toTensor(p.logStep),
  };
}

/**
 * tfjs BiGS parameters → host copies (Float32Array), e.g. to feed the float64 reference or the scan.
 * @example
 * ```ts
 * const host = bigsParamsToHost(params); // aRe.values: Float32Array [N], c.values: Float32Array [N * 2]
 * ```
 */
export function bigsParamsToHost(p: BiGSSSMParams): BiGSSSMHostParams {
  return {
    aRe: toHost(p.aRe),
    aIm: toHost(p.aIm),
    c: toHost(p.c),
    d: toHost(p.d),
    logStep: toHost(p.logStep),
  };
}

/**
 * Host S4D parameters → tfjs tensors (float32). The caller owns the tensors.
 * @example
 * ```ts
 * const p = s4dParamsToTensors(initS4D(8, 64, { seed: 0 })); // logDt [8], logAReal [8, 32], aImag [8, 32], c [8, 32, 2], d [8]
 * ```
 */
export function s4dParamsToTensors(p: S4DHostParams): S4DParams {
  checkS4DHost('s4dParamsToTensors', p);
  return {
    logDt: toTensor(p.logDt),
    logAReal: toTensor(p.logAReal),
    aImag: toTensor(p.aImag),
    c: toTensor(p.c),
    d: toTensor(p.d),
  };
}

/**
 * tfjs S4D parameters → host copies (Float32Array).
 * @example
 * ```ts
 * const host = s4dParamsToHost(params); // logAReal.values: Float32Array [H * M]
 * ```
 */
export function s4dParamsToHost(p: S4DParams): S4DHostParams {
  return {
    logDt: toHost(p.logDt),
    logAReal: toHost(p.logAReal),
    aImag: toHost(p.aImag),
    c: toHost(p.c),
    d: toHost(p.d),
  };
}

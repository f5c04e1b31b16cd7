import * as tf from '@tensorflow/tfjs';

/** Discretised (ZOH, B = 1) modes: ΔA, z = exp(ΔA) and c' = C·(exp(ΔA) − 1)/A, as real/imag pairs. */
export interface ZohModes {
  dtARe: tf.Tensor; // [..., M]  Re(ΔA) = log|z|
  dtAIm: tf.Tensor; // [..., M]  Im(ΔA) = arg z (unwrapped)
  zRe: tf.Tensor; // [..., M]
  zIm: tf.Tensor; // [..., M]
  cRe: tf.Tensor; // [..., M]
  cIm: tf.Tensor; // [..., M]
}

/**
 * ZOH discretisation with B = 1 in real arithmetic (differentiable on every backend). All inputs broadcast
 * to one shape [..., M]; `dt` is Δ (already exponentiated). exp(ΔA) − 1 is formed as
 * expm1(Δa)·cos(Δb) − 2·sin²(Δb/2) + i·exp(Δa)·sin(Δb), which avoids the cancellation of exp(ΔA) − 1 in
 * float32 for small Δ (mathematically identical to the official formula).
 *
 * @example
 * ```ts
 * const m = zohModes(aRe, aIm, dt, cRe, cIm); // aRe, aIm, cRe, cIm [N], dt [1] → each field [N]
 * ```
 */
export function zohModes(
  aRe: tf.Tensor,
  aIm: tf.Tensor,
  dt: tf.Tensor,
  cRe: tf.Tensor,
  cIm: tf.Tensor,
): ZohModes {
  const dr = tf.mul(aRe, dt); // [..., M]  Re(ΔA)
  const di = tf.mul(aIm, dt); // [..., M]  Im(ΔA)
  const cosDi = tf.cos(di); // [..., M]
  const sinDi = tf.sin(di); // [..., M]
  const mag = tf.exp(dr); // [..., M]
  const zRe = tf.mul(mag, cosDi); // [..., M]
  const zIm = tf.mul(mag, sinDi); // [..., M]
  const halfSin = tf.sin(tf.mul(di, 0.5)); // [..., M]
  const nRe = tf.sub(tf.mul(tf.expm1(dr), cosDi), tf.mul(tf.square(halfSin), 2)); // [..., M]  Re(z − 1)
  const nIm = zIm; // [..., M]  Im(z − 1)
  const den = tf.add(tf.square(aRe), tf.square(aIm)); // [..., M]  |A|²
  const bRe = tf.div(tf.add(tf.mul(nRe, aRe), tf.mul(nIm, aIm)), den); // [..., M]  Re((z − 1)/A)
  const bIm = tf.div(tf.sub(tf.mul(nIm, aRe), tf.mul(nRe, aIm)), den); // [..., M]  Im((z − 1)/A)
  const cpRe = tf.sub(tf.mul(cRe, bRe), tf.mul(cIm, bIm)); // [..., M]
  const cpIm = tf.add(tf.mul(cRe, bIm), tf.mul(cIm, bRe)); // [..., M]
  return { dtARe: dr, dtAIm: di, zRe, zIm, cRe: cpRe, cIm: cpIm };
}

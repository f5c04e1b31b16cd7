/**
 * WGSL programs for the project's kernels on tfjs-backend-webgpu (run with `WebGPUBackend.runWebGPUProgram`).
 *
 * Every program computes one output element per invocation (`main(index)`), reads its inputs as flat
 * `array<f32>` buffers and takes its sizes as uniforms, so one compiled pipeline serves every shape; the
 * boolean choices (direction, shared kernel) are compile-time and part of `shaderKey`.
 */
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

/** The helpers of `webgpu_util` the programs need (passed in: the backend module is imported lazily). */
export interface DispatchUtil {
  flatDispatchLayout(shape: number[]): { x: number[] };
  computeDispatch(
    layout: { x: number[] },
    outputShape: number[],
    workgroupSize?: [number, number, number],
  ): [number, number, number];
}

const WORKGROUP: [number, number, number] = [64, 1, 1];

function flatProgram(
  util: DispatchUtil,
  shaderKey: string,
  variableNames: string[],
  outputShape: number[],
  uniforms: string,
  body: string,
): WebGPUProgram {
  const dispatchLayout = util.flatDispatchLayout(outputShape);
  return {
    variableNames,
    outputShape,
    shaderKey,
    dispatchLayout,
    dispatch: util.computeDispatch(dispatchLayout, outputShape, WORKGROUP),
    workgroupSize: WORKGROUP,
    size: true,
    uniforms,
    getUserCode: () => `
      fn main(index : i32) {
        if (index < uniforms.size) {
          ${body}
        }
      }`,
  };
}

/**
 * k [G, L] → T [G, L, L]: lower T[i, j] = k[i − j] (i ≥ j), upper T[i, j] = k[j − i] (j ≥ i), else 0.
 * Uniform: `L`.
 */
export function toeplitzBuildProgram(
  util: DispatchUtil,
  G: number,
  L: number,
  upper: boolean,
): WebGPUProgram {
  const d = upper ? 'j - i' : 'i - j';
  return flatProgram(
    util,
    `bigsToeplitzBuild_${upper}`,
    ['k'],
    [G, L, L],
    'L : i32,',
    `let L = uniforms.L;
          let g = index / (L * L);
          let r = index - g * L * L;
          let i = r / L;
          let j = r - i * L;
          let d = ${d};
          var v = 0.0;
          if (d >= 0) { v = k[g * L + d]; }
          setOutputAtIndex(index, v);`,
  );
}

/**
 * T [G, L, L] → dk [G, L]: dk[g, m] = Σ_i T[g, i, i − m] (lower) or Σ_i T[g, i, i + m] (upper); the adjoint
 * of {@link toeplitzBuildProgram}. Uniform: `L`.
 */
export function toeplitzDiagSumProgram(
  util: DispatchUtil,
  G: number,
  L: number,
  upper: boolean,
): WebGPUProgram {
  const loop = upper
    ? 'for (var i = 0; i < L - m; i++) { acc += t[base + i * L + i + m]; }'
    : 'for (var i = m; i < L; i++) { acc += t[base + i * L + i - m]; }';
  return flatProgram(
    util,
    `bigsToeplitzDiagSum_${upper}`,
    ['t'],
    [G, L],
    'L : i32,',
    `let L = uniforms.L;
          let g = index / L;
          let m = index - g * L;
          let base = g * L * L;
          var acc = 0.0;
          ${loop}
          setOutputAtIndex(index, acc);`,
  );
}

/**
 * Direct long convolution, u [B, L, H] and k [L] (shared) or [H, L] → y [B, L, H]:
 * causal y[b, t, h] = Σ_{s≤t} k_h[t − s]·u[b, s, h], anticausal y[b, t, h] = Σ_{s≥t} k_h[s − t]·u[b, s, h].
 * O(L) per output (O(B·H·L²) in all). Uniforms: `L`, `H`.
 */
export function directConvProgram(
  util: DispatchUtil,
  B: number,
  L: number,
  H: number,
  shared: boolean,
  anticausal: boolean,
): WebGPUProgram {
  const kRow = shared ? '0' : 'h * L';
  const loop = anticausal
    ? `for (var s = t; s < L; s++) { acc += k[${kRow} + s - t] * u[ub + s * H]; }`
    : `for (var s = 0; s <= t; s++) { acc += k[${kRow} + t - s] * u[ub + s * H]; }`;
  return flatProgram(
    util,
    `bigsDirectConv_${shared}_${anticausal}`,
    ['u', 'k'],
    [B, L, H],
    'L : i32, H : i32,',
    `let L = uniforms.L;
          let H = uniforms.H;
          let b = index / (L * H);
          let r = index - b * L * H;
          let t = r / H;
          let h = r - t * H;
          let ub = b * L * H + h;
          var acc = 0.0;
          ${loop}
          setOutputAtIndex(index, acc);`,
  );
}

/**
 * Kernel gradient of {@link directConvProgram} per channel, dy and u [B, L, H] → dk [H, L]:
 * causal dk[h, m] = Σ_b Σ_{t≥m} dy[b, t, h]·u[b, t − m, h], anticausal dk[h, m] = Σ_b Σ_{t<L−m} dy[b, t, h]·u[b, t + m, h].
 * (A shared kernel's gradient is the sum over h: {@link sumRowsProgram}.) Uniforms: `B`, `L`, `H`.
 */
export function convKernelGradProgram(
  util: DispatchUtil,
  L: number,
  H: number,
  anticausal: boolean,
): WebGPUProgram {
  const inner = anticausal
    ? 'for (var t = 0; t < L - m; t++) { acc += dy[o + t * H] * u[o + (t + m) * H]; }'
    : 'for (var t = m; t < L; t++) { acc += dy[o + t * H] * u[o + (t - m) * H]; }';
  return flatProgram(
    util,
    `bigsConvKernelGrad_${anticausal}`,
    ['dy', 'u'],
    [H, L],
    'B : i32, L : i32, H : i32,',
    `let L = uniforms.L;
          let H = uniforms.H;
          let h = index / L;
          let m = index - h * L;
          var acc = 0.0;
          for (var b = 0; b < uniforms.B; b++) {
            let o = b * L * H + h;
            ${inner}
          }
          setOutputAtIndex(index, acc);`,
  );
}

/** x [R, C] → [C]: column sums. Uniforms: `R`, `C`. */
export function sumRowsProgram(util: DispatchUtil, C: number): WebGPUProgram {
  return flatProgram(
    util,
    'bigsSumRows',
    ['x'],
    [C],
    'R : i32, C : i32,',
    `var acc = 0.0;
          for (var r = 0; r < uniforms.R; r++) { acc += x[r * uniforms.C + index]; }
          setOutputAtIndex(index, acc);`,
  );
}

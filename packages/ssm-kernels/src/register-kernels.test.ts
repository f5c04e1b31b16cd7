import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { JS_KERNEL_BACKENDS } from './conv/backend-io.js';
import { LONG_CONV_FFT, LONG_CONV_FFT_GRAD } from './conv/fft-op.js';
import { TOEPLITZ_BUILD, TOEPLITZ_DIAG_SUM } from './conv/toeplitz-ops.js';
import { UNSORTED_SEGMENT_SUM } from './engine/register-unsorted-segment-sum.js';
import { GELU_KERNEL, LAYER_NORM_KERNEL } from './fused/fused-ops.js';
import { VANDERMONDE_GRAD_KERNEL, VANDERMONDE_KERNEL } from './kernel/vandermonde-op.js';
import './register-kernels.js';

const PKG = join(dirname(fileURLToPath(import.meta.url)), '..');

describe('kernel registration (register-kernels.ts)', () => {
  it('registers every JS kernel for cpu, wasm and native, and every gradient, on import', () => {
    for (const backend of JS_KERNEL_BACKENDS) {
      for (const name of [
        TOEPLITZ_BUILD,
        TOEPLITZ_DIAG_SUM,
        LONG_CONV_FFT,
        LONG_CONV_FFT_GRAD,
        VANDERMONDE_KERNEL,
        VANDERMONDE_GRAD_KERNEL,
      ]) {
        expect(tf.getKernel(name, backend), `${name} on ${backend}`).toBeDefined();
      }
    }
    expect(tf.getKernel(UNSORTED_SEGMENT_SUM, 'wasm')).toBeDefined();
    for (const name of [LONG_CONV_FFT, VANDERMONDE_KERNEL, GELU_KERNEL, LAYER_NORM_KERNEL]) {
      expect(tf.getGradient(name), `gradient of ${name}`).toBeDefined();
    }
  });

  it('the package entry imports the registration module, and sideEffects names it and only existing files', () => {
    expect(readFileSync(join(PKG, 'src', 'index.ts'), 'utf8')).toMatch(
      /^import '\.\/register-kernels\.js';$/m,
    );
    const pkg = JSON.parse(readFileSync(join(PKG, 'package.json'), 'utf8')) as { sideEffects: string[] };
    expect(pkg.sideEffects).toContain('./src/register-kernels.ts');
    for (const entry of pkg.sideEffects.filter((e) => e.startsWith('./src/'))) {
      expect(entry, 'no globs: each registration module by name').not.toMatch(/\*/);
      expect(() => readFileSync(join(PKG, entry)), `${entry} exists`).not.toThrow();
    }
  });

  it('no op module registers anything at import or on first call: only the registration functions do', () => {
    const ops = ['conv/toeplitz-ops.ts', 'conv/fft-op.ts', 'kernel/vandermonde-op.ts', 'fused/fused-ops.ts'];
    for (const file of ops) {
      const src = readFileSync(join(PKG, 'src', file), 'utf8');
      // Top-level (column 0) statements that call into the registry are side effects of importing the module.
      expect(src, file).not.toMatch(/^(tf\.register|register[A-Z]\w*\(|for \(|if \(tf\.get)/m);
      // The ops themselves do not call a register function.
      const body = src.replace(/export function register\w+\(\)[\s\S]*?\n}\n/g, '');
      expect(body, file).not.toMatch(/\bregister[A-Z]\w*Kernels?\(\)|registerFusedGradients\(\)/);
    }
  });
});

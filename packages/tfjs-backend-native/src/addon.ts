/**
 * Loads the C++ addon (node-gyp-build layout): `$BIGS_NATIVE_ADDON`, then
 * `prebuilds/<platform>-<arch>/bigs_native.node`, then `build/Release/bigs_native.node`. When none
 * loads, {@link addonLoadError} says why (including the install step's recorded build failure).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the BLAS loader found (`name` is `built-in` when no library was found or `BIGS_BLAS=none`). */
export interface BlasInfo {
  name: string;
  path: string;
  config: string;
  interface: 'cblas' | 'fortran' | 'built-in';
  threads: number;
  note: string;
  tried: string[];
}

/** Core entry points every build has; kernel files declare their own slices (see `kernels/`). */
export interface CoreAddon {
  blasInfo(): BlasInfo;
  setBlasThreads(threads: number): number;
  useBuiltinGemm(on: boolean): void;
  poolThreads(): number;
  setPoolThreads(threads: number): number;
  gemm(
    transA: boolean,
    transB: boolean,
    M: number,
    N: number,
    K: number,
    alpha: number,
    a: Float32Array,
    lda: number,
    b: Float32Array,
    ldb: number,
    beta: number,
    c: Float32Array,
    ldc: number,
  ): void;
  batchMatMul(
    a: Float32Array,
    b: Float32Array,
    out: Float32Array,
    aIndex: Int32Array,
    bIndex: Int32Array,
    M: number,
    N: number,
    K: number,
    transA: boolean,
    transB: boolean,
  ): void;
}

/** The package root (this file sits in `src/` or `dist/`). */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

let cached: { addon: CoreAddon | null; error: string | null; file: string | null } | null = null;

function candidates(): string[] {
  const list: string[] = [];
  const env = process.env.BIGS_NATIVE_ADDON?.trim();
  if (env) list.push(path.resolve(env));
  list.push(path.join(PACKAGE_ROOT, 'prebuilds', `${process.platform}-${process.arch}`, 'bigs_native.node'));
  list.push(path.join(PACKAGE_ROOT, 'build', 'Release', 'bigs_native.node'));
  return list;
}

function load(): NonNullable<typeof cached> {
  const req = createRequire(import.meta.url);
  const problems: string[] = [];
  for (const file of candidates()) {
    if (!fs.existsSync(file)) continue;
    try {
      return { addon: req(file) as CoreAddon, error: null, file };
    } catch (e) {
      problems.push(`${file}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const failed = path.join(PACKAGE_ROOT, 'build', 'BUILD_FAILED.txt');
  if (fs.existsSync(failed)) problems.push(`install: ${fs.readFileSync(failed, 'utf8').trim()}`);
  if (problems.length === 0)
    problems.push(
      `no addon built (looked for ${candidates()
        .map((f) => path.relative(PACKAGE_ROOT, f))
        .join(', ')}); run \`node scripts/install.cjs\` in ${PACKAGE_ROOT}`,
    );
  return { addon: null, error: problems.join('; '), file: null };
}

/** The loaded addon, or `null` (see {@link addonLoadError}). Loaded once per process. */
export function loadAddon(): CoreAddon | null {
  cached ??= load();
  return cached.addon;
}

/** Why the addon is unavailable, or `null` when it loaded. */
export function addonLoadError(): string | null {
  cached ??= load();
  return cached.error;
}

/** The file the addon was loaded from. */
export function addonFile(): string | null {
  cached ??= load();
  return cached.file;
}

/** The addon, typed as a kernel file's slice of it; throws the load error when it is unavailable. */
export function requireAddon<T = CoreAddon>(): T & CoreAddon {
  const a = loadAddon();
  if (a === null) throw new Error(`@bigs/tfjs-backend-native: the addon is unavailable: ${addonLoadError()}`);
  return a as T & CoreAddon;
}

/**
 * Verify mode (`BIGS_NATIVE_VERIFY=1`, or {@link setVerify}): each addon kernel is shadowed by the cpu
 * backend's JS kernel on the same inputs; the worst absolute and relative differences per kernel are
 * kept ({@link verifyReport}) and printed at exit. `BIGS_NATIVE_VERIFY=strict` throws on the first
 * difference above tolerance instead.
 */
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeBackend } from './backend.js';

/** One kernel's worst observed difference against the cpu kernel. */
export interface VerifyEntry {
  kernel: string;
  calls: number;
  maxAbs: number;
  /** max |native − cpu| / (1 + |cpu|) */
  maxRel: number;
  /** Calls where NaN/Inf positions differ, or shapes/dtypes differ. */
  mismatches: number;
}

const report = new Map<string, VerifyEntry>();
let mode: 'off' | 'on' | 'strict' = (() => {
  const v = process.env.BIGS_NATIVE_VERIFY?.trim();
  return v === 'strict' ? 'strict' : v === '1' || v === 'true' ? 'on' : 'off';
})();
/** Relative tolerance for strict mode. */
export const VERIFY_TOLERANCE = 1e-3;

/** Whether verification is on (read when kernels are registered). */
export function isVerifying(): boolean {
  return mode !== 'off';
}

/** Turn verification on or off (before the backend registers its kernels). */
export function setVerify(next: 'off' | 'on' | 'strict'): void {
  mode = next;
}

/** The worst differences seen so far, worst first. */
export function verifyReport(): VerifyEntry[] {
  return [...report.values()].sort((a, b) => b.maxRel - a.maxRel);
}

/** Forget what was recorded. */
export function resetVerifyReport(): void {
  report.clear();
}

function compare(entry: VerifyEntry, backend: NativeBackend, got: TensorInfo, want: TensorInfo): void {
  if (got.dtype !== want.dtype || got.shape.join(',') !== want.shape.join(',')) {
    entry.mismatches++;
    return;
  }
  if (got.dtype === 'string' || got.dtype === 'complex64') return;
  const a = backend.valuesOf(got) as ArrayLike<number>;
  const b = backend.valuesOf(want) as ArrayLike<number>;
  for (let i = 0; i < b.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (Number.isFinite(y) || Number.isFinite(x)) {
      if (!Number.isFinite(x) || !Number.isFinite(y)) {
        if (!(Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y)))) entry.mismatches++;
        continue;
      }
      const d = Math.abs(x - y);
      if (d > entry.maxAbs) entry.maxAbs = d;
      const r = d / (1 + Math.abs(y));
      if (r > entry.maxRel) entry.maxRel = r;
    } else if (!(Number.isNaN(x) === Number.isNaN(y))) entry.mismatches++;
  }
}

/** Runs the cpu kernel on the same inputs and records the difference to the native outputs. */
export function verifyKernel(
  name: string,
  args: Parameters<KernelFunc>[0],
  out: TensorInfo | TensorInfo[],
  cpu: KernelFunc,
): void {
  const backend = args.backend as NativeBackend;
  const want = backend.runInKernel(() => cpu(args));
  const gotList = Array.isArray(out) ? out : [out];
  const wantList = Array.isArray(want) ? want : [want as TensorInfo];
  let entry = report.get(name);
  if (entry === undefined) {
    entry = { kernel: name, calls: 0, maxAbs: 0, maxRel: 0, mismatches: 0 };
    report.set(name, entry);
  }
  entry.calls++;
  const before = { rel: entry.maxRel, mis: entry.mismatches };
  gotList.forEach((g, i) => {
    const w = wantList[i];
    if (w === undefined) entry.mismatches++;
    else compare(entry, backend, g, w);
  });
  const inputIds = new Set(Object.values(args.inputs).map((t) => t?.dataId));
  for (const w of wantList) if (!inputIds.has(w.dataId)) backend.disposeData(w.dataId);
  if (
    mode === 'strict' &&
    (entry.mismatches > before.mis || (entry.maxRel > VERIFY_TOLERANCE && entry.maxRel > before.rel))
  ) {
    throw new Error(
      `BIGS_NATIVE_VERIFY: kernel ${name} differs from the cpu kernel (max rel ${entry.maxRel.toExponential(2)}, mismatches ${entry.mismatches})`,
    );
  }
}

/** One line per kernel, for logs. */
export function formatVerifyReport(entries = verifyReport()): string {
  if (entries.length === 0) return 'native verify: no addon kernel ran';
  return entries
    .map(
      (e) =>
        `native verify: ${e.kernel.padEnd(22)} calls ${String(e.calls).padStart(6)}  max abs ${e.maxAbs.toExponential(2)}  max rel ${e.maxRel.toExponential(2)}  mismatches ${e.mismatches}`,
    )
    .join('\n');
}

if (mode !== 'off') process.once('exit', () => process.stderr.write(`${formatVerifyReport()}\n`));

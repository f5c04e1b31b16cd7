/**
 * The `native` tfjs backend: the cpu backend's storage (tensors are ordinary JS typed arrays, so model
 * size is bounded by RAM, not a 4 GB heap) with float32 buffers recycled through a {@link BufferPool}.
 */

import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { backend_util, DataType, Rank, TensorBuffer, TensorInfo } from '@tensorflow/tfjs-core';
import { BufferPool } from './buffer-pool.js';

type DataId = object;

/** Default idle-pool cap: `BIGS_NATIVE_POOL_MB`, else 2 GiB. */
export function defaultPoolCapBytes(): number {
  const mb = Number(process.env.BIGS_NATIVE_POOL_MB);
  return Number.isFinite(mb) && mb >= 0 ? mb * 2 ** 20 : 2 * 2 ** 30;
}

export class NativeBackend extends MathBackendCPU {
  readonly pool: BufferPool;
  private internalRead = 0;

  constructor(poolCapBytes = defaultPoolCapBytes()) {
    super();
    // The cpu backend prints an "install tfjs-node" banner on first use; this backend is the fast one.
    (this as unknown as { firstUse: boolean }).firstUse = false;
    this.pool = new BufferPool(poolCapBytes);
  }

  /** The stored values of a tensor (read-only for kernels: inputs may be shared or user-owned). */
  valuesOf(t: TensorInfo): backend_util.BackendValues {
    const d = this.data.get(t.dataId);
    if (d === undefined) throw new Error('native backend: tensor data not found (was it disposed?)');
    if (d.complexTensorInfos !== undefined)
      throw new Error('native backend: complex tensors have no flat values');
    return d.values as backend_util.BackendValues;
  }

  /** A float32 output of `shape` backed by a pooled buffer (contents unspecified unless `zeroed`). */
  makeFloatOutput(shape: number[], zeroed = false): { info: TensorInfo; values: Float32Array } {
    let size = 1;
    for (const s of shape) size *= s;
    const values = zeroed ? this.pool.acquireZeroed(size) : this.pool.acquire(size);
    return { info: this.makeTensorInfo(shape, 'float32', values), values };
  }

  /** Runs a kernel body: reads inside kernels do not count as escapes to user code. */
  runInKernel<T>(fn: () => T): T {
    this.internalRead++;
    try {
      return fn();
    } finally {
      this.internalRead--;
    }
  }

  override readSync(dataId: DataId): backend_util.BackendValues {
    const v = super.readSync(dataId);
    // Values handed to user code (dataSync, data, array) must never be recycled under it.
    if (this.internalRead === 0) this.pool.escape(v);
    return v;
  }

  override bufferSync<R extends Rank, D extends DataType>(t: TensorInfo): TensorBuffer<R, D> {
    // Kernels read through bufferSync transiently; that is not an escape.
    return this.runInKernel(() => super.bufferSync<R, D>(t));
  }

  override disposeData(dataId: DataId, force = false): boolean {
    const d = this.data.get(dataId);
    const values = d?.values;
    const released = super.disposeData(dataId, force);
    if (released && d !== undefined && !this.data.has(dataId)) this.pool.release(values);
    return released;
  }

  override memory(): { unreliable: boolean; reasons: string[] } & Record<string, unknown> {
    return {
      ...super.memory(),
      poolIdleBytes: this.pool.idleBytes,
      poolHits: this.pool.stats.hits,
      poolMisses: this.pool.stats.misses,
    };
  }

  override dispose(): void {
    this.pool.clear();
    super.dispose();
  }
}

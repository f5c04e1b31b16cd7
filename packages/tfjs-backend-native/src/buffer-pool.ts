/**
 * A pool of float32 buffers, keyed by length. Fresh large `Float32Array`s are slow (page faults on
 * first touch); a training step allocates the same shapes every step, so buffers are reused.
 *
 * Only buffers the backend owns are recycled: ones taken with {@link BufferPool.acquire} or adopted
 * from a kernel's fresh output. A buffer that leaves the backend (`dataSync()`, `data()`) or that a view
 * of it may outlive is *escaped* and left to the garbage collector.
 */
export class BufferPool {
  private readonly free = new Map<number, Float32Array[]>();
  private readonly owned = new WeakSet<Float32Array>();
  private pooledBytes = 0;
  /** Counters for `memory()` and tests. */
  readonly stats = { hits: 0, misses: 0, released: 0, dropped: 0 };

  /** @param capBytes the most bytes kept idle in the pool; more are left to the GC. */
  constructor(readonly capBytes: number) {}

  /** A float32 buffer of exactly `length` elements; its contents are unspecified (not zeroed). */
  acquire(length: number): Float32Array {
    const list = this.free.get(length);
    const hit = list?.pop();
    if (hit !== undefined) {
      this.pooledBytes -= hit.byteLength;
      this.stats.hits++;
      return hit;
    }
    this.stats.misses++;
    const fresh = new Float32Array(length);
    this.owned.add(fresh);
    return fresh;
  }

  /** A zero-filled buffer (reused buffers are cleared). */
  acquireZeroed(length: number): Float32Array {
    const b = this.acquire(length);
    b.fill(0);
    return b;
  }

  /** Takes ownership of a fresh, unshared array (a whole buffer) so it can be recycled later. */
  adopt(values: Float32Array): void {
    if (values.byteOffset === 0 && values.byteLength === values.buffer.byteLength) this.owned.add(values);
  }

  /** Whether `values` would be recycled on release. */
  owns(values: unknown): boolean {
    return values instanceof Float32Array && this.owned.has(values);
  }

  /** Never recycle `values` again (it escaped to user code, or a view of it lives on). */
  escape(values: unknown): void {
    if (values instanceof Float32Array) this.owned.delete(values);
  }

  /** Returns a buffer the backend no longer uses; buffers it does not own are ignored. */
  release(values: unknown): void {
    if (!(values instanceof Float32Array) || !this.owned.has(values) || values.length === 0) return;
    if (this.pooledBytes + values.byteLength > this.capBytes) {
      this.stats.dropped++;
      this.owned.delete(values);
      return;
    }
    let list = this.free.get(values.length);
    if (list === undefined) {
      list = [];
      this.free.set(values.length, list);
    }
    list.push(values);
    this.pooledBytes += values.byteLength;
    this.stats.released++;
  }

  /** Idle bytes held for reuse. */
  get idleBytes(): number {
    return this.pooledBytes;
  }

  /** Drops every idle buffer (they go to the GC). */
  clear(): void {
    this.free.clear();
    this.pooledBytes = 0;
  }
}

/** A float32 tensor copied to host memory (structurally a `@bigs/models` `TensorToWrite`). */
export interface HostTensor {
  shape: number[];
  data: Float32Array;
}

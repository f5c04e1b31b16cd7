/**
 * `AddN` on webgpu for any number of inputs. tfjs-backend-webgpu 4.22 binds every input of `tf.addN` as one
 * storage buffer of a single shader, so more than `maxStorageBuffersPerShaderStage − 1` inputs (7 under the
 * WebGPU default limits) fail pipeline validation and yield garbage — e.g. the trainer's global gradient norm
 * sums one square per parameter. This wrapper sums such lists in chunks with the original kernel.
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';

let wrapped = false;

/** tfjs passes AddN's inputs as an array (typed as a map); the webgpu kernel maps over it. */
const asInputs = (list: tf.TensorInfo[]): tf.NamedTensorInfoMap => list as unknown as tf.NamedTensorInfoMap;

/** Replaces webgpu's `AddN` with a chunking wrapper around it (idempotent; no-op before the kernel exists). */
export function installChunkedAddN(): void {
  const original = tf.getKernel('AddN', 'webgpu');
  if (wrapped || original === undefined) return;
  wrapped = true;
  const base = original.kernelFunc;
  const kernelFunc: tf.KernelFunc = (args) => {
    const backend = args.backend as unknown as WebGPUBackend;
    const maxInputs = Math.max(2, backend.device.limits.maxStorageBuffersPerShaderStage - 1);
    let list = Object.values(args.inputs) as tf.TensorInfo[];
    const made: tf.TensorInfo[] = [];
    while (list.length > maxInputs) {
      const next: tf.TensorInfo[] = [];
      for (let i = 0; i < list.length; i += maxInputs) {
        const chunk = list.slice(i, i + maxInputs);
        const partial = (
          chunk.length === 1 ? chunk[0] : base({ ...args, inputs: asInputs(chunk) })
        ) as tf.TensorInfo;
        if (chunk.length > 1) made.push(partial);
        next.push(partial);
      }
      list = next;
    }
    const out = base({ ...args, inputs: asInputs(list) }) as tf.TensorInfo;
    for (const t of made) backend.disposeData(t.dataId);
    return out;
  };
  tf.unregisterKernel('AddN', 'webgpu');
  tf.registerKernel({ kernelName: 'AddN', backendName: 'webgpu', kernelFunc });
}

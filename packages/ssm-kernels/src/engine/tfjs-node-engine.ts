/**
 * The `tensorflow` / `tensorflow-gpu` engines: the optional peers `@tensorflow/tfjs-node(-gpu)`, imported
 * dynamically; when absent or broken, an error naming the package to add and the alternatives.
 */
import * as tf from '@tensorflow/tfjs';
import { errMessage, isNotFound } from './engine-errors.js';
import { NODE_CPU, NODE_GPU } from './engine-options.js';

type Importer = (specifier: string) => Promise<unknown>;
const nativeImport: Importer = (specifier) => import(/* @vite-ignore */ specifier);
let importOptional: Importer = nativeImport;

/** Testing only: replace how optional peers (`@tensorflow/tfjs-node*`) are imported; `null` restores it. */
export function setOptionalImporterForTesting(importer: Importer | null): void {
  importOptional = importer ?? nativeImport;
}

function missingPackageMessage(
  request: 'tensorflow' | 'tensorflow-gpu',
  pkg: string,
  detail: string,
): string {
  return (
    `initEngine: backend '${request}' needs the optional package ${pkg}, which ${detail}. ` +
    `Add it with \`pnpm add ${pkg}@4.22.0\` (its install script downloads libtensorflow 2.9.1` +
    `${request === 'tensorflow-gpu' ? '; it also needs CUDA 11.2 + cuDNN 8.1' : ''}), ` +
    `or choose another backend: 'wasm' (no native dependencies, threads via a shim), 'cpu' (slow, pure JS) or 'auto'.`
  );
}

export async function initTensorflow(request: 'tensorflow' | 'tensorflow-gpu'): Promise<string> {
  const pkg = request === 'tensorflow-gpu' ? NODE_GPU : NODE_CPU;
  let mod: unknown;
  try {
    mod = await importOptional(pkg);
  } catch (e) {
    if (isNotFound(e)) throw new Error(missingPackageMessage(request, pkg, 'is not installed'));
    throw new Error(missingPackageMessage(request, pkg, `failed to load (${errMessage(e)})`));
  }
  let ok = false;
  try {
    ok = await tf.setBackend('tensorflow');
  } catch (e) {
    throw new Error(
      missingPackageMessage(request, pkg, `is installed but its backend failed (${errMessage(e)})`),
    );
  }
  if (!ok)
    throw new Error(
      missingPackageMessage(request, pkg, "is installed but tf.setBackend('tensorflow') failed"),
    );
  const v = (mod as { version?: Record<string, string> }).version;
  return v?.[request === 'tensorflow-gpu' ? 'tfjs-node-gpu' : 'tfjs-node'] ?? v?.['tfjs-node'] ?? 'unknown';
}

/**
 * Checkpoints: save/load with the PyTorch-port names (safetensors), and import a Flax `flax_model.msgpack`.
 * The Flax file here is written from a tiny model's own weights with the explicit name table, so the example runs
 * offline; with an official checkpoint you only call `fromPretrained(dir)`.
 * Included in guide/checkpoints.md; type-checked and run by test/examples.test.ts.
 */
// #region usage
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildNameMap,
  configToJSON,
  createConfig,
  createModel,
  FLAX_NAME,
  fromPretrained,
  type HostTensor,
  savePretrained,
  serializeFlaxMsgpack,
  stateDict,
  TINY,
} from '@bigs/models';
import * as tf from '@tensorflow/tfjs';

export async function checkpointRoundTrips() {
  const dir = await mkdtemp(join(tmpdir(), 'bigs-docs-ckpt-'));
  try {
    const model = createModel(createConfig({ ...TINY }), 'masked-lm', { seed: 1 });

    // 1. safetensors with the official PyTorch-port names (`bigs.encoder.layer.0.dv.weight`, torch [out, in]).
    await savePretrained(model, join(dir, 'pt')); // pt/{config.json, model.safetensors}
    const names = [...stateDict(model).keys()];
    const pt = await fromPretrained(join(dir, 'pt')); // head from `architectures`: masked-lm

    // 2. Flax msgpack (`s4_bert/encoder/layer/0/dv/kernel`, [in, out]), as in the released BiGS checkpoints.
    const params = model.parameterMap();
    const flax = new Map<string, HostTensor>();
    for (const e of buildNameMap(model)) {
      const v = params.get(e.param)!.variable;
      flax.set(e.flax, { shape: e.shape, data: v.dataSync() as Float32Array });
    }
    // An official-style config.json has no bigs-ts keys, so the semantics come from the weight file: Flax.
    const official = configToJSON(model.config);
    for (const key of [
      'semantics',
      'block_gelu',
      'kernel_length',
      'block_architecture',
      'routing',
      'conv_strategy',
    ])
      delete official[key];
    await mkdir(join(dir, 'flax'));
    await writeFile(join(dir, 'flax', 'config.json'), JSON.stringify(official));
    await writeFile(join(dir, 'flax', FLAX_NAME), serializeFlaxMsgpack(flax));
    const fx = await fromPretrained(join(dir, 'flax'), { logger: () => {} });
    // Flax semantics: tanh GELU in the blocks, kernel length = P, so inputs must be exactly P = 16 long
    // (load with `overrides: { kernelLength: 'input' }` to accept shorter inputs).
    const ids = tf.zeros([1, fx.model.config.maxPositionEmbeddings], 'int32'); // [1, P]
    const hidden = fx.model.backbone.forward({ inputIds: ids }).lastHiddenState; // [1, 16, 8]

    const result = {
      firstNames: names.slice(0, 3),
      ptLoaded: pt.report.loaded.length,
      flaxLoaded: fx.report.loaded.length,
      flaxSemantics: fx.model.config.semantics, // 'flax'
      flaxKernelLength: fx.model.config.kernelLength, // 'max_position'
      flaxHiddenShape: hidden.shape, // [1, 16, 8]
      configKeys: Object.keys(configToJSON(model.config)).slice(0, 4), // snake_case, as HF writes them
    };
    tf.dispose([ids, hidden]);
    for (const m of [model, pt.model, fx.model]) m.dispose();
    return result;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
// #endregion usage

import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { randomize, snapshot, useBackend } from '../../test/helpers.js';
import { createConfig, TINY } from '../config/config.js';
import { BiGSForSequenceClassification } from '../model/head-models.js';
import { fromPretrainedFiles } from './from-files.js';
import { fromPretrained, savePretrained } from './pretrained.js';

describe('fromPretrainedFiles (checkpoint files in memory)', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('loads the same model as fromPretrained on the directory holding the files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bigs-from-files-'));
    const m = new BiGSForSequenceClassification(createConfig({ ...TINY, numLabels: 3 }), { seed: 4 });
    randomize(m);
    await savePretrained(m, dir);
    const files = {
      'config.json': await readFile(join(dir, 'config.json'), 'utf8'),
      'model.safetensors': new Uint8Array(await readFile(join(dir, 'model.safetensors'))).buffer,
    };
    const fromDir = await fromPretrained(dir, { logger: () => {} });
    const fromFiles = fromPretrainedFiles(files, { source: 'https://example.org/m', logger: () => {} });
    expect(fromFiles.model.headType).toBe('sequence-classification');
    expect(fromFiles.weightsPath).toBe('https://example.org/m/model.safetensors');
    expect(fromFiles.report.newlyInitialized).toEqual([]);
    const a = snapshot(fromDir.model);
    const b = snapshot(fromFiles.model);
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [k, v] of a) expect(Array.from(b.get(k)!), k).toEqual(Array.from(v));
    for (const x of [m, fromDir.model, fromFiles.model]) x.dispose();
  });

  it('names the source and what is missing or broken', () => {
    expect(() => fromPretrainedFiles({ 'model.safetensors': new Uint8Array(8) }, { source: '/m' })).toThrow(
      /\/m: no config\.json among the files \(model\.safetensors\)/,
    );
    expect(() => fromPretrainedFiles({ 'config.json': '{}' }, { source: '/m' })).toThrow(
      /\/m: no weights among the files \(expected model\.safetensors or flax_model\.msgpack/,
    );
    expect(() =>
      fromPretrainedFiles(
        { 'config.json': '{oops', 'model.safetensors': new Uint8Array(8) },
        { source: '/m' },
      ),
    ).toThrow(/\/m\/config\.json: not valid JSON/);
    expect(() =>
      fromPretrainedFiles(
        { 'config.json': new Uint8Array([0xff, 0xfe]), 'model.safetensors': new Uint8Array(8) },
        { source: '/m' },
      ),
    ).toThrow(/\/m\/config\.json: not valid UTF-8 text/);
  });
});

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseXml, setParam, tinyModel, useCpu } from '../test-helpers.js';
import { sensitivityPlot } from './plots.js';
import {
  hiddenFromEmbeddings,
  inputEmbeddings,
  paddingShare,
  sensitivityMap,
  sensitivityStats,
} from './sensitivity.js';

beforeAll(useCpu);

const IDS = [2, 5, 6, 7, 8, 3];

describe('sensitivityMap', () => {
  it('equals central finite differences of the Jacobian block norms (tiny BiGS, hidden state 2)', () => {
    const model = tinyModel('bigs', { convStrategy: 'toeplitz' });
    const L = IDS.length;
    const H = model.config.hiddenSize;
    const map = sensitivityMap(model, { inputIds: IDS }, { layer: 2, method: 'exact' });
    expect(map.method).toBe('exact');
    expect(map.probes).toBe(H);
    const e = inputEmbeddings(model, { inputIds: IDS }); // [1, L, H]
    const ev = Float32Array.from(e.dataSync());
    const eps = 1e-2;
    const fd = new Float64Array(L * L); // squared norms
    for (let s = 0; s < L; s++) {
      for (let k = 0; k < H; k++) {
        const run = (delta: number) =>
          tf.tidy(() => {
            const x = ev.slice();
            x[s * H + k]! += delta;
            return hiddenFromEmbeddings(model, tf.tensor3d(x, [1, L, H]), null, 2).dataSync();
          });
        const hp = run(eps);
        const hm = run(-eps);
        for (let t = 0; t < L; t++) {
          for (let j = 0; j < H; j++) fd[t * L + s]! += ((hp[t * H + j]! - hm[t * H + j]!) / (2 * eps)) ** 2;
        }
      }
    }
    let maxRel = 0;
    let scale = 0;
    for (let i = 0; i < L * L; i++) scale = Math.max(scale, Math.sqrt(fd[i]!));
    for (let i = 0; i < L * L; i++)
      maxRel = Math.max(maxRel, Math.abs(map.raw[i]! - Math.sqrt(fd[i]!)) / scale);
    expect(maxRel).toBeLessThan(1e-2);
    for (let t = 0; t < L; t++) {
      let sum = 0;
      for (let s = 0; s < L; s++) sum += map.normalized[t * L + s]!;
      expect(sum).toBeCloseTo(1, 10);
    }
    e.dispose();
    model.dispose();
  });

  it('forward-only BiGS (backward SSM branch replaced by a constant 1) is causal: S[t, s] = 0 for s > t', () => {
    const model = tinyModel('bigs', { convStrategy: 'toeplitz' });
    for (const i of [0, 1]) {
      const p = 'bigs.encoder.layer';
      setParam(model, `${p}.${i}.routing.duc_backward.kernel`, 0); // c_b = bias = 1 → routing = c_f (causal)
      setParam(model, `${p}.${i}.routing.duc_backward.bias`, 1);
    }
    const map = sensitivityMap(model, { inputIds: IDS }, { method: 'exact' });
    const L = IDS.length;
    let upper = 0;
    let lower = 0;
    for (let t = 0; t < L; t++) {
      for (let s = 0; s < L; s++) {
        if (s > t) upper = Math.max(upper, map.raw[t * L + s]!);
        else lower = Math.max(lower, map.raw[t * L + s]!);
      }
    }
    expect(lower).toBeGreaterThan(0.01);
    expect(upper).toBe(0);
    const st = sensitivityStats(map);
    expect(st.right).toBe(0);
    expect(st.left + st.self).toBeCloseTo(1, 10);
    // the unmodified model reads both directions
    const full = tinyModel('bigs');
    const both = sensitivityMap(full, { inputIds: IDS }, { method: 'exact' });
    expect(sensitivityStats(both).right).toBeGreaterThan(0.005);
    full.dispose();
    model.dispose();
  });

  it('attention model: padded positions get zero sensitivity (off the diagonal); BiGS reads padding', () => {
    const ids = [2, 5, 6, 3, 0, 0];
    const mask = [1, 1, 1, 1, 0, 0];
    const bert = tinyModel('bert');
    const all = [0, 1, 2, 3, 4, 5];
    const map = sensitivityMap(
      bert,
      { inputIds: ids, attentionMask: mask },
      { method: 'exact', positions: all },
    );
    const L = ids.length;
    for (const t of all) {
      for (const s of [4, 5]) if (s !== t) expect(map.raw[t * L + s]).toBe(0);
      for (const s of [0, 1, 2, 3]) if (t < 4) expect(map.raw[t * L + s]).toBeGreaterThan(0);
    }
    const real = sensitivityMap(bert, { inputIds: ids, attentionMask: mask }, { method: 'exact' });
    expect(real.positions).toEqual([0, 1, 2, 3]);
    expect(paddingShare(real, mask)).toBe(0);
    const bigs = tinyModel('bigs');
    const bm = sensitivityMap(bigs, { inputIds: ids, attentionMask: mask }, { method: 'exact' });
    expect(paddingShare(bm, mask)).toBeGreaterThan(0);
    bert.dispose();
    bigs.dispose();
  });

  it('random projections estimate the exact map; chunking does not change the result; no leaks', () => {
    const model = tinyModel('bigs');
    const exact = sensitivityMap(model, { inputIds: IDS }, { method: 'exact' });
    const before = tf.memory().numTensors;
    const proj = sensitivityMap(
      model,
      { inputIds: IDS },
      { method: 'projection', numProjections: 96, seed: 1, chunkSize: 96 },
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(proj.method).toBe('projection');
    let err = 0;
    let scale = 0;
    for (let i = 0; i < exact.raw.length; i++) {
      err = Math.max(err, Math.abs(proj.raw[i]! - exact.raw[i]!));
      scale = Math.max(scale, exact.raw[i]!);
    }
    expect(err / scale).toBeLessThan(0.3);
    const chunked = sensitivityMap(model, { inputIds: IDS }, { method: 'exact', chunkSize: 5 });
    for (let i = 0; i < exact.raw.length; i++) expect(chunked.raw[i]).toBeCloseTo(exact.raw[i]!, 5);
    parseXml(sensitivityPlot(exact, { title: 't', tokens: ['[CLS]', 'a', 'b', 'c', 'd', '[SEP]'] }));
    model.dispose();
  });

  it('validates its arguments', () => {
    const model = tinyModel('bigs');
    expect(() => sensitivityMap(model, { inputIds: IDS }, { layer: 3 })).toThrow(
      /layer must be an integer in \[0, 2\]/,
    );
    expect(() => sensitivityMap(model, { inputIds: [2, 99] })).toThrow(
      /inputIds\[1\] = 99 is outside the model vocabulary/,
    );
    expect(() => sensitivityMap(model, { inputIds: IDS, attentionMask: [1] })).toThrow(
      /attentionMask must have length 6/,
    );
    expect(() => sensitivityMap(model, { inputIds: [2, 3], attentionMask: [0, 0] })).toThrow(
      /every token is padding/,
    );
    model.dispose();
  });
});

import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BiGSForMaskedLM,
  createConfig,
  fromPretrained,
  parseSafetensors,
  savePretrained,
  TINY,
  withSemantics,
} from '@bigs/models';
import { initEngine } from '@bigs/ssm-kernels';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from '../test-helpers.js';

const run = runInProcess;

async function savedModel(semantics: 'pytorch' | 'bigs-ts'): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'bigs-export-cli-'));
  const m = new BiGSForMaskedLM(withSemantics(createConfig(TINY), semantics), { seed: 2 });
  // O(1) weights, so the tanh and erf GELUs give measurably different outputs.
  tf.tidy(() => {
    for (const [i, [, p]] of m.namedParameters().entries())
      p.variable.assign(tf.add(p.variable, tf.randomUniform(p.variable.shape, -0.5, 0.5, 'float32', i)));
  });
  await savePretrained(m, dir, { tokenizerFiles: { 'vocab.txt': '[PAD]\n[UNK]\n' } });
  m.dispose();
  return dir;
}

describe('bigs export', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'cpu', quiet: true });
  });

  it('--to pytorch writes the port files and the tokenizer; the weights load back bit-exactly', async () => {
    const dir = await savedModel('pytorch');
    const out = join(mkdtempSync(join(tmpdir(), 'bigs-export-out-')), 'pt');
    const r = await run(['export', '--model', dir, '--to', 'pytorch', '--out', out, '--backend', 'cpu']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/exported for pytorch to .*: model\.safetensors, vocab\.txt, config\.json/);
    expect(r.stdout).toMatch(/semantics: identical to the pytorch code/);
    expect(r.stdout).toMatch(/note: wrote a freshly initialised bigs\.pooler\.dense/);
    expect(readdirSync(out).sort()).toEqual(['config.json', 'model.safetensors', 'vocab.txt']);
    const st = parseSafetensors(readFileSync(join(out, 'model.safetensors'))).tensors;
    expect(st.has('bigs.pooler.dense.weight')).toBe(true);
    const a = await fromPretrained(dir, { logger: () => {} });
    const b = await fromPretrained(out, { logger: () => {} });
    const ids = tf.tensor2d([[2, 7, 9, 3]], [1, 4], 'int32');
    const la = (a.model as BiGSForMaskedLM).forward({ inputIds: ids }).logits.dataSync();
    const lb = (b.model as BiGSForMaskedLM).forward({ inputIds: ids }).logits.dataSync();
    expect(Array.from(lb)).toEqual(Array.from(la));
    a.model.dispose();
    b.model.dispose();
  });

  it('refuses a semantics change (reason, drift, the flag) and writes nothing; the flag exports anyway', async () => {
    const dir = await savedModel('bigs-ts');
    const out = join(mkdtempSync(join(tmpdir(), 'bigs-export-out-')), 'pt');
    const r = await run(['export', '--model', dir, '--to', 'pytorch', '--out', out, '--backend', 'cpu']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^bigs export( run)?: error: export --to pytorch: refused: .*block_gelu: ours tanh, pytorch erf .*max \|Δ logits\| = [1-9]\.\d\de-\d+.*--allow-semantics-change/,
    );
    expect(existsSync(out)).toBe(false);
    const ok = await run([
      'export',
      '--model',
      dir,
      '--to',
      'pytorch',
      '--out',
      out,
      '--allow-semantics-change',
      '--backend',
      'cpu',
    ]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/note: semantics changed \(--allow-semantics-change\): .*max \|Δ logits\|/);
  });

  it('rejects an --out that is the model directory or not empty, naming it', async () => {
    const dir = await savedModel('pytorch');
    const same = await run(['export', '--model', dir, '--to', 'flax', '--out', dir]);
    expect(same.stderr).toMatch(/--out .*: is the model directory/);
    const busy = mkdtempSync(join(tmpdir(), 'bigs-export-busy-'));
    mkdirSync(join(busy, 'x'));
    writeFileSync(join(busy, 'model.safetensors'), '');
    const r = await run(['export', '--model', dir, '--to', 'flax', '--out', busy]);
    expect([1, 2]).toContain(r.code); // a usage error: 1 with the old router, 2 with @bigs/cli-kit
    expect(r.stderr).toMatch(/--out .*: is not empty \(.*model\.safetensors.*\); choose a new directory/);
    const bad = await run(['export', '--model', dir, '--to', 'onnx', '--out', busy]);
    expect(bad.stderr).toMatch(/--to must be one of pytorch\|flax, got "onnx"/);
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  parseMetrics,
  readFinetune,
  readUnigramLoss,
  safetensorsParameters,
  summarizeMetrics,
} from './collect.js';

/** A safetensors file with these tensor shapes (zero data). */
function writeSafetensors(path: string, shapes: Record<string, number[]>): void {
  let offset = 0;
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  for (const [name, shape] of Object.entries(shapes)) {
    const bytes = 4 * shape.reduce((a, b) => a * b, 1);
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const json = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  writeFileSync(path, Buffer.concat([len, json, Buffer.alloc(offset)]));
}

describe('collect', () => {
  it('parseMetrics names file:line of a damaged line', () => {
    expect(() => parseMetrics('{"step":1}\n{oops\n', 'm.jsonl')).toThrow(/m.jsonl:2: not JSON/);
    expect(() => parseMetrics('{"loss":1}\n', 'm.jsonl')).toThrow(/m.jsonl:1: no numeric "step"/);
  });
  it('summarizeMetrics splits train and held-out curves and takes totals from the last timed line', () => {
    const text = [
      '{"step":10,"loss":8,"tokens_seen":100,"elapsed_seconds":2}',
      '{"step":20,"loss":7,"tokens_seen":200,"elapsed_seconds":4}',
      '{"step":20,"eval_loss":7.5,"eval_accuracy":0.1}',
      '',
    ].join('\n');
    const s = summarizeMetrics(parseMetrics(text, 'm'));
    expect(s.train).toEqual([
      { step: 10, loss: 8 },
      { step: 20, loss: 7 },
    ]);
    expect(s.evals).toEqual([{ step: 20, loss: 7.5, accuracy: 0.1 }]);
    expect(s.tokens).toBe(200);
    expect(s.seconds).toBe(4);
  });
  it('counts parameters from a safetensors header', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'exp-st-')), 'model.safetensors');
    writeSafetensors(path, { a: [3, 4], b: [5] });
    expect(safetensorsParameters(path)).toBe(17);
    writeFileSync(path, Buffer.alloc(8));
    expect(() => safetensorsParameters(path)).toThrow(/not a safetensors file/);
  });
  it('readFinetune takes the final metrics, without step and epoch', () => {
    const dir = mkdtempSync(join(tmpdir(), 'exp-ft-'));
    expect(() => readFinetune(dir)).toThrow(/eval_results.json: missing/);
    const final = { step: 9, epoch: 1, accuracy: 0.6, loss: 0.7 };
    writeFileSync(join(dir, 'eval_results.json'), JSON.stringify({ task: 'rte', best: final, final }));
    expect(readFinetune(dir)).toEqual({ task: 'rte', metrics: { accuracy: 0.6, loss: 0.7 } });
  });
  it('readUnigramLoss: the number from learning_report.json, null when absent', () => {
    const dir = mkdtempSync(join(tmpdir(), 'exp-lr-'));
    expect(readUnigramLoss(join(dir, 'learning_report.json'))).toBeNull();
    writeFileSync(join(dir, 'learning_report.json'), JSON.stringify({ heldOutLoss: 6.8, unigramLoss: 6.7 }));
    expect(readUnigramLoss(join(dir, 'learning_report.json'))).toBe(6.7);
  });
});

import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSafetensors, writeSafetensors } from './io.js';
import { parseSafetensors, serializeSafetensors } from './safetensors.js';

/** Build a safetensors file by hand: header JSON (unpadded) + the given data bytes. */
function build(header: unknown, data: number[]): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const f32 = (...xs: number[]) => [...new Uint8Array(new Float32Array(xs).buffer)];

describe('safetensors', () => {
  it('parses a hand-built file: header, metadata, F32/F16/BF16/F64/I64', () => {
    const bytes = build(
      {
        __metadata__: { format: 'pt' },
        a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
        h: { dtype: 'F16', shape: [3], data_offsets: [8, 14] },
        b: { dtype: 'BF16', shape: [2], data_offsets: [14, 18] },
        d: { dtype: 'F64', shape: [1], data_offsets: [18, 26] },
        i: { dtype: 'I64', shape: [1, 1], data_offsets: [26, 34] },
      },
      [
        ...f32(1.5, -2),
        // F16: 1.0 = 0x3c00, -2.0 = 0xc000, 0.5 = 0x3800
        0x00,
        0x3c,
        0x00,
        0xc0,
        0x00,
        0x38,
        // BF16: 1.0 = 0x3f80, -3.0 = 0xc040
        0x80,
        0x3f,
        0x40,
        0xc0,
        ...new Uint8Array(new Float64Array([0.25]).buffer),
        ...new Uint8Array(new BigInt64Array([7n]).buffer),
      ],
    );
    const { tensors, metadata } = parseSafetensors(bytes, 'x.safetensors');
    expect(metadata).toEqual({ format: 'pt' });
    expect([...tensors.keys()]).toEqual(['a', 'h', 'b', 'd', 'i']);
    expect(Array.from(tensors.get('a')!.data)).toEqual([1.5, -2]);
    expect(Array.from(tensors.get('h')!.data)).toEqual([1, -2, 0.5]);
    expect(Array.from(tensors.get('b')!.data)).toEqual([1, -3]);
    expect(Array.from(tensors.get('d')!.data)).toEqual([0.25]);
    expect(tensors.get('i')!).toMatchObject({ dtype: 'I64', shape: [1, 1] });
    expect(Array.from(tensors.get('i')!.data)).toEqual([7]);
  });

  it('round-trips serialize → parse bit-exactly, header 8-aligned', () => {
    const w = new Float32Array([Math.PI, -0, 1e-38, 3.4e38, Number.NaN]);
    const bytes = serializeSafetensors(
      { w: { shape: [5], data: w }, e: { shape: [0, 3], data: new Float32Array() } },
      {
        k: 'v',
      },
    );
    const headerLen = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(headerLen % 8).toBe(0);
    const { tensors, metadata } = parseSafetensors(bytes);
    expect(metadata).toEqual({ k: 'v' });
    expect(new Uint8Array(tensors.get('w')!.data.buffer)).toEqual(new Uint8Array(w.buffer));
    expect(tensors.get('e')!.shape).toEqual([0, 3]);
  });

  it('rejects corrupt headers, truncated data, overlaps and holes, naming file and tensor', () => {
    const good = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
    expect(() => parseSafetensors(new Uint8Array(4), 'f.st')).toThrow(/'f.st'.*at least 8/);
    const badJson = build(good, f32(1, 2));
    badJson[9] = 0x7b; // '{{' → invalid JSON
    expect(() => parseSafetensors(badJson, 'f.st')).toThrow(/'f.st'.*not valid UTF-8 JSON/);
    const longHeader = build(good, f32(1, 2));
    new DataView(longHeader.buffer).setBigUint64(0, 10_000n, true);
    expect(() => parseSafetensors(longHeader, 'f.st')).toThrow(/truncated/);
    expect(() => parseSafetensors(build(good, f32(1)), 'f.st')).toThrow(/'f.st'.*tensor 'a'.*truncated/);
    expect(() =>
      parseSafetensors(build({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, f32(1, 2)), 'f.st'),
    ).toThrow(/tensor 'a'.*expected 12/);
    expect(() =>
      parseSafetensors(
        build(
          {
            a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
            b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] },
          },
          f32(1, 2),
        ),
        'f.st',
      ),
    ).toThrow(/tensor 'b'.*overlap/);
    expect(() =>
      parseSafetensors(build({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, f32(1, 2)), 'f.st'),
    ).toThrow(/tensor 'a'.*hole/);
    expect(() => parseSafetensors(build(good, f32(1, 2, 3)), 'f.st')).toThrow(/trailing bytes/);
    expect(() =>
      parseSafetensors(build({ a: { dtype: 'Q4', shape: [1], data_offsets: [0, 1] } }, [0]), 'f.st'),
    ).toThrow(/tensor 'a'.*unsupported dtype/);
  });

  it('writes atomically and reads back from disk', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'st-'));
    const path = join(dir, 'm.safetensors');
    await writeSafetensors(path, new Map([['x', { shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) }]]));
    expect(await readdir(dir)).toEqual(['m.safetensors']);
    const { tensors } = await readSafetensors(path);
    expect(Array.from(tensors.get('x')!.data)).toEqual([1, 2, 3, 4]);
    const bytes = await readFile(path);
    await writeFile(path, bytes.subarray(0, bytes.length - 3));
    await expect(readSafetensors(path)).rejects.toThrow(/m\.safetensors.*tensor 'x'.*truncated/);
    await expect(readSafetensors(join(dir, 'nope.safetensors'))).rejects.toThrow(
      /nope\.safetensors.*cannot read/,
    );
  });

  it('float16: F16 tensors, each value the nearest float16 (round half to even), read back by the parser', () => {
    const exact = [0, -0, 1, -2, 0.5, 65504, 2 ** -14, 2 ** -24, 3 * 2 ** -24, 1 + 2 ** -10];
    const special = [
      70000,
      -1e9,
      Number.POSITIVE_INFINITY,
      Number.NaN,
      2 ** -26,
      1 + 2 ** -11,
      1 + 3 * 2 ** -11,
    ];
    const want = [...exact, Infinity, -Infinity, Infinity, Number.NaN, 0, 1, 1 + 2 ** -9];
    const rnd = Array.from({ length: 1000 }, (_, i) => Math.sin(i * 1.7) * 10 ** ((i % 9) - 4));
    const data = new Float32Array([...exact, ...special, ...rnd]);
    const bytes = serializeSafetensors({ w: { shape: [data.length], data } }, {}, { float16: true });
    const t = parseSafetensors(bytes).tensors.get('w')!;
    expect(t.dtype).toBe('F16');
    expect(bytes.byteLength).toBeLessThan(8 + 100 + 2 * data.length);
    expect(Array.from(t.data.slice(0, want.length))).toEqual(want);
    for (let i = 0; i < rnd.length; i++) {
      const x = Math.fround(rnd[i]!);
      const got = t.data[want.length + i]!;
      // normal range: relative error ≤ 2^-11; subnormal range: absolute error ≤ 2^-25
      expect(Math.abs(got - x), `${x}`).toBeLessThanOrEqual(Math.max(Math.abs(x) * 2 ** -11, 2 ** -25));
    }
  });
});

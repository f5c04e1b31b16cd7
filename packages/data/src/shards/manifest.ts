import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from '@bigs/common';
import { z } from 'zod';
import type { VocabInfo } from '../pipeline/tokenizer.js';

/** File name of a shard set's manifest. */
export const MANIFEST_FILE = 'manifest.json';

const count = z.int({ error: 'must be an integer >= 0' }).min(0, { error: 'must be an integer >= 0' });
const object = <T extends z.core.$ZodLooseShape>(shape: T) => z.object(shape, { error: 'must be an object' });

/**
 * `manifest.json` of a shard directory (written last, atomically: its presence means the set is complete): the one
 * definition of its type and its validation.
 */
export const SHARD_MANIFEST_SCHEMA = object({
  format: z.literal('bigs-shards', { error: "must be 'bigs-shards'" }),
  version: z.literal(1, { error: 'must be 1' }),
  maxSeqLength: count,
  twoSegments: z.boolean({ error: 'must be true or false' }),
  shards: z.array(
    object({ file: z.string({ error: 'must be a file name' }), numSequences: count, numTokens: count }),
    { error: 'must be an array' },
  ),
  /** The batch loader's {@link VocabInfo}, continuation flags packed as a base64 bitmap (bit i of byte i>>3, LSB first). */
  vocab: object({
    vocabSize: count,
    clsId: count,
    sepId: count,
    maskId: count,
    padId: count,
    specialIds: z.array(count, { error: 'must be an array of token ids' }),
    continuationBitmap: z.string({ error: 'must be a base64 string' }),
  }),
  stats: object({ documents: count, sentences: count, tokens: count, sequences: count }),
  /** Build settings, for the record (seed, shortSeqProb, sources, …). */
  build: z.record(z.string(), z.unknown(), { error: 'must be an object' }),
});

/** `manifest.json` of a shard directory. */
export type ShardManifest = z.output<typeof SHARD_MANIFEST_SCHEMA>;

/** Pack continuation flags into the manifest's base64 bitmap. */
export function encodeVocab(v: VocabInfo): ShardManifest['vocab'] {
  const bits = new Uint8Array(Math.ceil(v.vocabSize / 8));
  for (let i = 0; i < v.vocabSize; i++)
    if (v.continuation[i]) bits[i >> 3] = (bits[i >> 3] as number) | (1 << (i & 7));
  return {
    vocabSize: v.vocabSize,
    clsId: v.clsId,
    sepId: v.sepId,
    maskId: v.maskId,
    padId: v.padId,
    specialIds: [...v.specialIds],
    continuationBitmap: Buffer.from(bits).toString('base64'),
  };
}

/** Unpack the manifest's vocabulary facts. */
export function decodeVocab(m: ShardManifest['vocab']): VocabInfo {
  const bits = Buffer.from(m.continuationBitmap, 'base64');
  const continuation = new Uint8Array(m.vocabSize);
  for (let i = 0; i < m.vocabSize; i++) continuation[i] = ((bits[i >> 3] ?? 0) >> (i & 7)) & 1;
  return {
    vocabSize: m.vocabSize,
    clsId: m.clsId,
    sepId: m.sepId,
    maskId: m.maskId,
    padId: m.padId,
    specialIds: [...m.specialIds],
    continuation,
  };
}

/** Write `dir/manifest.json` atomically. */
export function writeManifest(dir: string, m: ShardManifest): void {
  writeFileAtomicSync(join(dir, MANIFEST_FILE), `${JSON.stringify(m, null, 2)}\n`);
}

/** Read and check `dir/manifest.json`; a missing one means the directory is not a complete shard set. */
export function readManifest(dir: string): ShardManifest {
  const path = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new Error(
      `${path}: missing — ${dir} is not a complete shard set (build it with \`bigs data build-shards\`)`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${path}: invalid JSON (${(e as Error).message})`);
  }
  const r = SHARD_MANIFEST_SCHEMA.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.length > 0 ? issue.path.join('.') : '(root)';
  throw new Error(`${path}: not a bigs-shards v1 manifest: ${field} ${issue.message}`);
}

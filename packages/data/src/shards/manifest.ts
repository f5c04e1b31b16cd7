import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from '@bigs/common';
import type { VocabInfo } from '../pipeline/tokenizer.js';

/** File name of a shard set's manifest. */
export const MANIFEST_FILE = 'manifest.json';

/** `manifest.json` of a shard directory (written last, atomically: its presence means the set is complete). */
export interface ShardManifest {
  format: 'bigs-shards';
  version: 1;
  maxSeqLength: number;
  twoSegments: boolean;
  shards: { file: string; numSequences: number; numTokens: number }[];
  vocab: {
    vocabSize: number;
    clsId: number;
    sepId: number;
    maskId: number;
    padId: number;
    specialIds: number[];
    /** Base64 bitmap (bit i of byte i>>3, LSB first): 1 when id i is a `##` continuation piece. */
    continuationBitmap: string;
  };
  stats: { documents: number; sentences: number; tokens: number; sequences: number };
  /** Build settings, for the record (seed, shortSeqProb, sources, …). */
  build: Record<string, unknown>;
}

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
  let m: ShardManifest;
  try {
    m = JSON.parse(text) as ShardManifest;
  } catch (e) {
    throw new Error(`${path}: invalid JSON (${(e as Error).message})`);
  }
  if (m.format !== 'bigs-shards' || m.version !== 1)
    throw new Error(`${path}: not a bigs-shards v1 manifest`);
  return m;
}

import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BertTokenizer, loadEmbeddedTokenizer, loadTokenizer, saveTokenizer } from '@bigs/data';
import {
  type BiGSConfig,
  BiGSForMaskedLM,
  configFromJSON,
  createConfig,
  fromPretrained,
  type Semantics,
  withSemantics,
} from '@bigs/models';
import { extendPositions } from './extend-positions.js';
import { type FlagValues, UsageError } from './flags.js';
import type { ResolvedRun } from './resolve-run.js';

/** Where progress lines go. */
type Log = (line: string) => void;

function hasTokenizer(dir: string): boolean {
  return existsSync(join(dir, 'tokenizer.json')) || existsSync(join(dir, 'vocab.txt'));
}

/**
 * The run's tokenizer: `--tokenizer`, else the resumed checkpoint's, else the `--model-name-or-path` dir's, else
 * the embedded 8k WordPiece. A file that cannot be loaded is a usage error naming the flag.
 */
export async function loadRunTokenizer(flags: FlagValues, resumeDir: string | null): Promise<BertTokenizer> {
  const from = flags['model-name-or-path'] as string | undefined;
  const path =
    (flags.tokenizer as string | undefined) ??
    (resumeDir && hasTokenizer(resumeDir) ? resumeDir : undefined) ??
    (from && hasTokenizer(from) ? from : undefined);
  if (!path) return loadEmbeddedTokenizer();
  try {
    return await loadTokenizer(path);
  } catch (e) {
    throw new UsageError(`--tokenizer ${path}: ${(e as Error).message}`);
  }
}

/** Tokenizer files (`vocab.txt`, `tokenizer.json`, `tokenizer_config.json`) as bytes, for every saved model dir. */
export async function tokenizerFiles(tok: BertTokenizer): Promise<Record<string, Uint8Array>> {
  const dir = await mkdtemp(join(tmpdir(), 'bigs-tok-'));
  try {
    await saveTokenizer(tok, dir);
    const out: Record<string, Uint8Array> = {};
    for (const f of await readdir(dir)) out[f] = await readFile(join(dir, f));
    return out;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A copy of `model` with another config (same parameters), the original disposed. */
function rebuild(model: BiGSForMaskedLM, config: BiGSConfig, seed: number): BiGSForMaskedLM {
  const again = new BiGSForMaskedLM(config, { seed });
  for (const [n, p] of again.parameterMap()) p.variable.assign(model.parameterMap().get(n)!.variable);
  model.dispose();
  return again;
}

/** Resume: the checkpoint's model, in its own semantics (an exact resume cannot change them). */
async function resumedModel(resumeDir: string, semantics: Semantics | undefined): Promise<BiGSForMaskedLM> {
  const { model } = await fromPretrained(resumeDir, { head: 'masked-lm', logger: () => {} });
  if (semantics !== undefined && model.config.semantics !== semantics) {
    model.dispose();
    throw new UsageError(
      `--semantics ${semantics}: the checkpoint ${resumeDir} trains in ${model.config.semantics} semantics; an exact resume keeps them (drop --semantics, or start a new run with --model-name-or-path)`,
    );
  }
  return model as BiGSForMaskedLM;
}

/** Continuation from `--model-name-or-path`: positions extended to L by tiling, length semantics freed. */
async function continuedModel(
  from: string,
  run: ResolvedRun,
  semantics: Semantics | undefined,
  log: Log,
): Promise<BiGSForMaskedLM> {
  const { seqLength: L, seed } = run.training;
  const { model: m } = await fromPretrained(from, { head: 'masked-lm', logger: (n) => log(`  ${n}`) });
  let model = m as BiGSForMaskedLM;
  const P = model.config.maxPositionEmbeddings;
  if (P < L) {
    log(
      `extending position embeddings ${P} → ${L} (tiling the learned rows); SSM kernels follow the input length`,
    );
    const longer = extendPositions(model, L, seed);
    model.dispose();
    model = longer;
  } else if (model.config.kernelLength === 'max_position' && P !== L) {
    model = rebuild(model, createConfig({ ...model.config, kernelLength: 'input' }), seed);
  }
  if (semantics !== undefined) model = rebuild(model, withSemantics(model.config, semantics), seed);
  return model;
}

/** A fresh model's config: from `--model-config FILE` or the preset, sized to the tokenizer and L. */
function freshConfig(run: ResolvedRun, tok: BertTokenizer): BiGSConfig {
  const L = run.training.seqLength;
  if (run.modelConfigFile) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(run.modelConfigFile, 'utf8'));
    } catch (e) {
      throw new UsageError(`--model-config ${run.modelConfigFile}: not valid JSON (${(e as Error).message})`);
    }
    const obj = { vocab_size: tok.vocabSize, max_position_embeddings: L, ...(json as object) };
    const config = configFromJSON(obj, { source: `--model-config ${run.modelConfigFile}` });
    config.architectures = ['BiGSForMaskedLM'];
    return config;
  }
  return createConfig({
    ...run.preset.model,
    vocabSize: tok.vocabSize,
    padTokenId: tok.padTokenId,
    maxPositionEmbeddings: L,
    kernelLength: 'input',
    architectures: [run.preset.model.modelType === 'bert' ? 'BertForMaskedLM' : 'BiGSForMaskedLM'],
  });
}

/** The model must take the tokenizer's ids and sequences of length L. */
function checkModelFits(model: BiGSForMaskedLM, tok: BertTokenizer, L: number): void {
  const c = model.config;
  if (c.vocabSize < tok.vocabSize) {
    throw new UsageError(
      `--tokenizer has ${tok.vocabSize} tokens but the model's vocab_size is ${c.vocabSize}`,
    );
  }
  if (c.maxPositionEmbeddings < L) {
    throw new UsageError(
      `--max-seq-length ${L} exceeds the model's max_position_embeddings ${c.maxPositionEmbeddings}`,
    );
  }
  if (c.kernelLength === 'max_position' && c.maxPositionEmbeddings !== L) {
    throw new UsageError(
      `--max-seq-length ${L} must equal max_position_embeddings ${c.maxPositionEmbeddings} (kernel_length "max_position")`,
    );
  }
}

/**
 * Build the model: from a checkpoint (resume), a pretrained dir (continuation), a config file or a preset, in
 * the `--semantics` asked for; checked against the tokenizer and `--max-seq-length`.
 */
export async function buildModel(
  run: ResolvedRun,
  tok: BertTokenizer,
  resumeDir: string | null,
  log: Log,
): Promise<BiGSForMaskedLM> {
  const semantics = run.flags.semantics as Semantics | undefined;
  if (resumeDir) return resumedModel(resumeDir, semantics);
  const from = run.flags['model-name-or-path'] as string | undefined;
  let model: BiGSForMaskedLM;
  if (from) model = await continuedModel(from, run, semantics, log);
  else {
    const config = freshConfig(run, tok);
    model = new BiGSForMaskedLM(semantics ? withSemantics(config, semantics) : config, {
      seed: run.training.seed,
    });
  }
  try {
    checkModelFits(model, tok, run.training.seqLength);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}

/** Trainable parameters of a model. */
export function countParams(model: BiGSForMaskedLM): number {
  return model.namedParameters().reduce((a, [, p]) => a + p.variable.size, 0);
}

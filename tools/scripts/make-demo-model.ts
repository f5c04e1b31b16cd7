/**
 * Makes the small BiGS the docs site's live demo runs (apps/docs/public/demo/), with the project's own commands:
 *
 *   1. `pnpm pretrain` — masked-LM pretraining of a 2-layer, H=128 BiGS on the embedded corpus (every setting an
 *      explicit flag or in the model config below, so the run does not follow the presets' defaults);
 *   2. `pnpm finetune --task embedded --data-dir packages/data/corpus/task/spam` — a sequence-classification head
 *      on the embedded SpamAssassin spam / ham task, from the pretrained model;
 *   3. both models re-saved with float16 weights ({@link saveDemoCheckpoint}: config.json, model.safetensors with
 *      F16 tensors, tokenizer.json) into apps/docs/public/demo/{fill-mask,classify}/ — the classifier's labels
 *      named `ham` / `spam` in its config.json — and README.md there written from the runs' own metrics (the
 *      recipe, the commands and the measured losses).
 *
 * Usage (from the repo root; about 10 minutes on a shared 2-core CPU):
 *   npx tsx --conditions=@bigs/source tools/scripts/make-demo-model.ts [--work-dir runs/demo-model] [--out apps/docs/public/demo]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSafetensors, serializeSafetensors, writeFileAtomic } from '../../packages/models/src/index.js';

const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/**
 * The demo model: the tiny BiGS shape (H=128, 2 layers, I=384, N=64), no dropout (a short run underfits), trained
 * with the recipe of `pnpm pretrain`'s default preset (sequences of 128 tokens, 900 steps of 16) — the recipe that
 * measurably learns context — written out flag by flag so a change of the preset does not change this model.
 */
export const DEMO_MODEL_CONFIG = {
  hidden_size: 128,
  num_hidden_layers: 2,
  intermediate_size: 384,
  num_ssm: 64,
  type_vocab_size: 2,
  hidden_dropout_prob: 0,
  block_architecture: 'gated',
  routing: 'bissm',
} as const;

/** `pnpm pretrain` flags (besides --model-config and --output-dir). */
export const PRETRAIN_FLAGS = [
  '--max-seq-length', '128',
  '--max-steps', '900',
  '--per-device-train-batch-size', '16',
  '--gradient-accumulation-steps', '1',
  '--learning-rate', '3e-3',
  '--weight-decay', '0.05',
  '--adam-beta1', '0.9',
  '--adam-beta2', '0.98',
  '--warmup-steps', '50',
  '--lr-scheduler-type', 'cosine',
  '--cosine-alpha', '0.1',
  '--mlm-probability', '0.15',
  '--logging-steps', '10',
  '--eval-steps', '0',
  '--max-eval-samples', '256',
  '--save-steps', '0',
  '--seed', '42',
  '--overwrite-output-dir',
]; // biome-ignore format: flag/value pairs

/** `pnpm finetune` flags (besides --model-name-or-path and --output-dir). */
export const FINETUNE_FLAGS = [
  '--task', 'embedded',
  '--data-dir', 'packages/data/corpus/task/spam',
  '--max-steps', '150',
  '--per-device-train-batch-size', '16',
  '--learning-rate', '5e-4',
  '--warmup-ratio', '0.1',
  '--weight-decay', '0.01',
  '--eval-steps', '150',
  '--max-eval-samples', '400',
  '--logging-steps', '25',
  '--seed', '42',
  '--no-do-predict',
  '--progress', 'lines',
]; // biome-ignore format: flag/value pairs

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

function run(script: 'pretrain' | 'finetune', flags: string[]): number {
  const cmd = ['-y', 'pnpm@9.15.9', '--silent', script, ...flags];
  console.log(`\n$ npx ${cmd.join(' ')}`);
  const t0 = performance.now();
  const r = spawnSync('npx', cmd, { cwd: REPO, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`pnpm ${script} failed (exit ${r.status ?? r.signal})`);
  return (performance.now() - t0) / 1000;
}

function jsonLines(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The files of a demo checkpoint. */
const FILES = ['config.json', 'model.safetensors', 'tokenizer.json'];

/**
 * Re-save a model dir for the web: model.safetensors with F16 tensors (same names and metadata), config.json (with
 * `id2label` / `label2id` renamed when `labels` is given) and tokenizer.json. Returns the bytes written.
 */
export async function saveDemoCheckpoint(
  from: string,
  to: string,
  labels?: Record<string, string>,
): Promise<{ bytes: number }> {
  rmSync(to, { recursive: true, force: true });
  const { tensors, metadata } = await readSafetensors(join(from, 'model.safetensors'));
  await writeFileAtomic(
    join(to, 'model.safetensors'),
    serializeSafetensors(tensors, metadata, { float16: true }),
  );
  const config = JSON.parse(readFileSync(join(from, 'config.json'), 'utf8')) as Record<string, unknown>;
  if (labels) {
    config.id2label = labels;
    config.label2id = Object.fromEntries(Object.entries(labels).map(([id, l]) => [l, Number(id)]));
  }
  await writeFileAtomic(join(to, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  await writeFileAtomic(join(to, 'tokenizer.json'), readFileSync(join(from, 'tokenizer.json')));
  return { bytes: FILES.reduce((n, f) => n + statSync(join(to, f)).size, 0) };
}

const num = (x: unknown, digits = 3): string => (typeof x === 'number' ? x.toFixed(digits) : String(x));

async function main(): Promise<void> {
  const work = resolve(REPO, arg('--work-dir', 'runs/demo-model'));
  const out = resolve(REPO, arg('--out', 'apps/docs/public/demo'));
  mkdirSync(work, { recursive: true });
  const configPath = join(work, 'model-config.json');
  writeFileSync(configPath, `${JSON.stringify(DEMO_MODEL_CONFIG, null, 2)}\n`);
  const pre = join(work, 'pretrain');
  const fin = join(work, 'finetune');
  const preFlags = ['--model-config', configPath, '--output-dir', pre, ...PRETRAIN_FLAGS];
  const finFlags = ['--model-name-or-path', pre, '--output-dir', fin, ...FINETUNE_FLAGS];
  const preSeconds = run('pretrain', preFlags);
  const finSeconds = run('finetune', finFlags);

  const mlm = await saveDemoCheckpoint(pre, join(out, 'fill-mask'));
  const cls = await saveDemoCheckpoint(fin, join(out, 'classify'), { '0': 'ham', '1': 'spam' });

  const preLog = jsonLines(join(pre, 'metrics.jsonl'));
  const trainLoss = preLog.filter((r) => typeof r.loss === 'number');
  const preEval = JSON.parse(readFileSync(join(pre, 'eval_results.json'), 'utf8')) as Record<string, unknown>;
  const finEval = JSON.parse(readFileSync(join(fin, 'eval_results.json'), 'utf8')) as {
    final: Record<string, unknown>;
  };
  const finLog = jsonLines(join(fin, 'metrics.jsonl')).filter((r) => typeof r.loss === 'number');
  const rel = (p: string) => p.slice(REPO.length + 1);
  const readme = [
    '# The docs demo model',
    '',
    'Made by `tools/scripts/make-demo-model.ts` with the project’s own commands; the docs page',
    '`guide/demo` loads these files in the browser. Rebuild with:',
    '',
    '```sh',
    'npx tsx --conditions=@bigs/source tools/scripts/make-demo-model.ts',
    '```',
    '',
    '## Recipe',
    '',
    `Model config (\`${rel(configPath)}\`): \`${JSON.stringify(DEMO_MODEL_CONFIG)}\`, embedded 8192-token tokenizer.`,
    '',
    '```sh',
    `npx -y pnpm@9.15.9 pretrain ${preFlags.map((f) => (f.startsWith(REPO) ? rel(f) : f)).join(' ')}`,
    `npx -y pnpm@9.15.9 finetune ${finFlags.map((f) => (f.startsWith(REPO) ? rel(f) : f)).join(' ')}`,
    '```',
    '',
    'Both models are then re-saved with float16 weights (F16 safetensors; every value read back as float32).',
    '',
    '## Measured',
    '',
    `- pretrain: ${trainLoss.length > 0 ? `training MLM loss ${num(trainLoss[0]!.loss)} (first ${num(trainLoss[0]!.step, 0)} steps) → ${num(trainLoss.at(-1)!.loss)} (last window, step ${num(trainLoss.at(-1)!.step, 0)})` : 'no loss lines'}; held-out MLM loss ${num(preEval.eval_loss)}, accuracy ${num(preEval.eval_accuracy)}; ${preSeconds.toFixed(0)} s wall`,
    `- finetune (embedded spam / ham task): training loss ${finLog.length > 0 ? `${num(finLog[0]!.loss)} → ${num(finLog.at(-1)!.loss)}` : 'n/a'}; dev (first 400 examples) loss ${num(finEval.final.loss)}, accuracy ${num(finEval.final.accuracy)}; ${finSeconds.toFixed(0)} s wall`,
    `- files: fill-mask/ ${(mlm.bytes / 1e6).toFixed(2)} MB, classify/ ${(cls.bytes / 1e6).toFixed(2)} MB (weights + config + tokenizer)`,
    '',
    'Times are wall-clock on the machine that ran the script.',
    '',
  ].join('\n');
  writeFileSync(join(out, 'README.md'), readme);
  console.log(readme);
}

await main();

import { join } from 'node:path';
import { type BiGSForMaskedLM, savePretrained, writeFileAtomic } from '@bigs/models';
import { wasmHeapBytes } from '@bigs/ssm-kernels';
import { type MetricsRecord, readMetrics, type TrainResult } from '@bigs/trainer';
import type { ResolvedRun } from './resolve-run.js';

/**
 * Save what a finished (or stopped) run leaves in `--output-dir`: the final model (loadable by finetune and
 * analysis), `training_args.json` and `eval_results.json` (the last evaluation). Returns the metrics records.
 */
export async function writeRunOutputs(
  run: ResolvedRun,
  model: BiGSForMaskedLM,
  tokenizerFiles: Record<string, Uint8Array>,
  maxSteps: number,
): Promise<MetricsRecord[]> {
  const outDir = run.outputDir;
  await savePretrained(model, outDir, { tokenizerFiles });
  const args = {
    ...run.training,
    maxSteps,
    preset: run.presetName,
    model_config_file: run.modelConfigFile,
    flags: run.flags,
  };
  await writeFileAtomic(join(outDir, 'training_args.json'), `${JSON.stringify(args, null, 2)}\n`);
  const records = readMetrics(join(outDir, 'metrics.jsonl'));
  const lastEval = records.filter((r) => typeof r.eval_loss === 'number').at(-1);
  if (lastEval) {
    const ev = Object.fromEntries(
      Object.entries(lastEval).filter(([k]) => k === 'step' || k.startsWith('eval_')),
    );
    await writeFileAtomic(join(outDir, 'eval_results.json'), `${JSON.stringify(ev, null, 2)}\n`);
  }
  return records;
}

/** The summary printed on stdout at the end of a run; its last lines say where the model and metrics went. */
export function summaryLines(
  outDir: string,
  result: TrainResult,
  maxSteps: number,
  seconds: number,
  records: readonly MetricsRecord[],
): string[] {
  const losses = records.filter((r) => typeof r.loss === 'number' && r.event === undefined);
  const lastEval = records.filter((r) => typeof r.eval_loss === 'number').at(-1);
  const heap = wasmHeapBytes();
  const first = losses[0];
  const last = losses.at(-1);
  const lines = [
    `pretrain: ${result.stopReason} at step ${result.globalStep}/${maxSteps} in ${seconds.toFixed(1)} s` +
      (heap !== null ? ` (wasm heap ${(heap / 2 ** 30).toFixed(2)} GiB)` : ''),
    first && last
      ? `  train loss ${(first.loss as number).toFixed(4)} (step ${first.step}) → ${(last.loss as number).toFixed(4)} (step ${last.step})`
      : '  no training steps logged',
    lastEval
      ? `  eval @ step ${lastEval.step}: loss ${(lastEval.eval_loss as number).toFixed(4)}, accuracy ${((lastEval.eval_accuracy as number) * 100).toFixed(2)} %, perplexity ${(lastEval.eval_perplexity as number).toFixed(2)}`
      : '  no evaluation',
    `  model: ${outDir}/{config.json, model.safetensors, vocab.txt, tokenizer.json}; checkpoints: ${result.lastCheckpoint ?? 'none'}`,
    `  metrics: ${join(outDir, 'metrics.jsonl')}, loss curve: ${join(outDir, 'loss_curve.svg')}`,
  ];
  if (result.stopReason === 'signal') {
    lines.push(
      `  stopped by ${result.signal}; continue with the same command (or --resume-from-checkpoint latest)`,
    );
  }
  return lines;
}

import type { MetricsRecord } from '../logging/metrics-log.js';
import { mfu } from './throughput.js';
import type { StepInfo } from './types.js';

/** Sums over the steps since the last metrics line (saved in checkpoints so the next mean is exact on resume). */
export interface LogWindow {
  lossSum: number;
  steps: number;
  tokens: number;
  seconds: number;
  metricSums: Record<string, number>;
}

export const emptyWindow = (): LogWindow => ({ lossSum: 0, steps: 0, tokens: 0, seconds: 0, metricSums: {} });

/** Add one step (`seconds` set) to the window. */
export function addToWindow(w: LogWindow, info: StepInfo, seconds: number): void {
  w.lossSum += info.loss;
  w.steps += 1;
  w.tokens += info.tokens;
  w.seconds += seconds;
  for (const [k, v] of Object.entries(info.metrics)) w.metricSums[k] = (w.metricSums[k] ?? 0) + v;
}

/** Tokens per second over the window (0 before any time was measured). */
export function windowTokensPerSecond(w: LogWindow): number {
  return w.seconds > 0 ? w.tokens / w.seconds : 0;
}

/** Where the run stands, for a metrics line. */
export interface WindowContext {
  step: number;
  epoch: number;
  tokensSeen: number;
  elapsedSeconds: number;
  flopsPerToken?: number | undefined;
  peakFlops?: number | undefined;
}

/**
 * The `metrics.jsonl` line of a window: mean loss and metrics, the last step's learning rate and gradient norm,
 * throughput and MFU.
 */
export function windowRecord(w: LogWindow, info: StepInfo, c: WindowContext): MetricsRecord {
  const tokensPerSecond = windowTokensPerSecond(w);
  const r: MetricsRecord = {
    step: c.step,
    epoch: c.epoch,
    loss: w.lossSum / w.steps,
    learning_rate: info.learningRate,
    grad_norm: info.gradNorm,
    tokens_per_second: tokensPerSecond,
    mfu: c.flopsPerToken && c.peakFlops ? mfu(tokensPerSecond, c.flopsPerToken, c.peakFlops) : null,
    tokens_seen: c.tokensSeen,
    elapsed_seconds: c.elapsedSeconds,
  };
  for (const [k, v] of Object.entries(w.metricSums)) r[`train_${k}`] = v / w.steps;
  return r;
}

import { linePlot, writeFileAtomicSync } from '@bigs/common';
import { type MetricsRecord, readMetrics } from './metrics-log.js';

/** Options of {@link renderLossCurveSvg}. */
export interface LossCurveOptions {
  width?: number;
  height?: number;
  title?: string;
  /** Train key (default `loss`) and eval key (default `eval_loss`). */
  trainKey?: string;
  evalKey?: string;
}

/** The (step, value) points of `key`, skipping records where it is missing or not finite. */
function pointsOf(records: readonly MetricsRecord[], key: string): { x: number[]; y: number[] } {
  const x: number[] = [];
  const y: number[] = [];
  for (const r of records) {
    const v = r[key];
    if (typeof v === 'number' && Number.isFinite(v) && Number.isFinite(r.step)) {
      x.push(r.step);
      y.push(v);
    }
  }
  return { x, y };
}

/**
 * Render train and eval loss against step as a standalone SVG document (the shared `linePlot` of
 * `@bigs/common`: axes, nice ticks, grid, labels, legend; eval points marked), with an XML declaration. Non-finite values are skipped;
 * with no points at all the axes say "no data".
 *
 * @example
 * renderLossCurveSvg([{ step: 1, loss: 3 }, { step: 2, loss: 2, eval_loss: 2.2 }]); // '<?xml ...<svg ...</svg>\n'
 */
export function renderLossCurveSvg(records: MetricsRecord[], options: LossCurveOptions = {}): string {
  const trainKey = options.trainKey ?? 'loss';
  const evalKey = options.evalKey ?? 'eval_loss';
  const train = pointsOf(records, trainKey);
  const evals = pointsOf(records, evalKey);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${linePlot({
    title: options.title ?? 'Loss',
    xLabel: 'step',
    yLabel: 'loss',
    width: options.width ?? 720,
    height: options.height ?? 420,
    legend: true,
    zeroLine: false,
    emptyMessage: 'no data',
    series: [
      { name: `train ${trainKey}`, ...train, color: '#1f77b4', markers: false },
      { name: evalKey, ...evals, color: '#d62728', markers: true },
    ],
  })}`;
}

/**
 * Read `metrics.jsonl` and write the loss curve (train `loss`, eval `eval_loss`) as SVG, atomically.
 *
 * @example
 * writeLossCurveSvg('runs/a/metrics.jsonl', 'runs/a/loss.svg');
 */
export function writeLossCurveSvg(
  metricsJsonlPath: string,
  outSvg: string,
  options: LossCurveOptions = {},
): void {
  writeFileAtomicSync(outSvg, renderLossCurveSvg(readMetrics(metricsJsonlPath), options));
}

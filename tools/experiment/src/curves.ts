import { type LineSeries, linePlot } from '@bigs/common';
import type { Cell } from './cells.js';
import type { PretrainOutcome } from './collect.js';

/** One run's curves for the plots. */
export interface CurveRun {
  cell: Cell;
  seed: number;
  outcome: PretrainOutcome;
}

/** Series names: the cell label, plus the seed when there are several. */
function seriesName(r: CurveRun, multiSeed: boolean): string {
  return multiSeed ? `${r.cell.label} s${r.seed}` : r.cell.label;
}

/** Per-cell colours (the palette index of the cell), seeds after the first dashed. */
function style(runs: readonly CurveRun[], r: CurveRun, cellOrder: readonly string[]) {
  const firstSeed = Math.min(...runs.filter((x) => x.cell.id === r.cell.id).map((x) => x.seed));
  return { colorIndex: cellOrder.indexOf(r.cell.id), dashed: r.seed !== firstSeed };
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e'];

/**
 * The pretraining loss curves: training loss (mean of each logging window) and held-out MLM loss, by step —
 * two SVGs drawn with the project's line plot. Runs with no points are left out.
 */
export function lossCurves(runs: readonly CurveRun[]): { train: string; heldOut: string } | null {
  const cellOrder = [...new Set(runs.map((r) => r.cell.id))];
  const multiSeed = new Set(runs.map((r) => r.seed)).size > 1;
  const make = (pick: (o: PretrainOutcome) => Array<{ step: number; loss: number }>): LineSeries[] =>
    runs.flatMap((r) => {
      const pts = pick(r.outcome);
      if (pts.length === 0) return [];
      const { colorIndex, dashed } = style(runs, r, cellOrder);
      return [
        {
          name: seriesName(r, multiSeed),
          x: pts.map((p) => p.step),
          y: pts.map((p) => p.loss),
          color: PALETTE[colorIndex % PALETTE.length],
          dashed,
          markers: pts.length <= 12,
        },
      ];
    });
  const train = make((o) => o.train);
  const held = make((o) => o.evals);
  if (train.length === 0 || held.length === 0) return null;
  return {
    train: linePlot({
      title: 'Pretraining: training MLM loss',
      xLabel: 'step',
      yLabel: 'loss (nats)',
      series: train,
    }),
    heldOut: linePlot({
      title: 'Pretraining: held-out MLM loss',
      xLabel: 'step',
      yLabel: 'loss (nats)',
      series: held,
    }),
  };
}

import { barChart, linePlot } from '@bigs/common';
import type { ProbingReport } from './probing.js';

/**
 * Dev accuracy by layer for every task, as a line plot (one line per task, dashed lines = majority baselines) when
 * there are more than 8 layers, else as a grouped bar chart with dashed baseline lines.
 *
 * @example
 * const svg = probingPlot(report, 'BiGS probes');
 */
export function probingPlot(report: ProbingReport, title = 'Linear probe accuracy by layer (dev)'): string {
  if (report.tasks.length === 0) throw new Error('probingPlot: the report has no task results');
  const layers = report.tasks[0]!.layers.map((l) => l.layer);
  const palette = ['#4e79a7', '#e15759', '#59a14f', '#f28e2b'];
  if (layers.length > 8) {
    return linePlot({
      title,
      xLabel: 'layer (0 = embeddings)',
      yLabel: 'dev accuracy',
      yRange: [0, 1],
      series: report.tasks.flatMap((t, i) => [
        { name: t.task, x: layers, y: t.layers.map((l) => l.devAccuracy), color: palette[i % 4]! },
        {
          name: `${t.task} majority`,
          x: [layers[0]!, layers[layers.length - 1]!],
          y: [t.majority.devAccuracy, t.majority.devAccuracy],
          color: palette[i % 4]!,
          dashed: true,
          markers: false,
        },
      ]),
    });
  }
  return barChart({
    title,
    categories: layers.map((l) => (l === 0 ? 'emb' : String(l))),
    series: report.tasks.map((t, i) => ({
      name: t.task,
      values: t.layers.map((l) => l.devAccuracy),
      color: palette[i % 4]!,
    })),
    refLines: report.tasks.map((t, i) => ({
      name: `${t.task} majority`,
      y: t.majority.devAccuracy,
      color: palette[i % 4]!,
    })),
    xLabel: 'layer (emb = embeddings)',
    yLabel: 'dev accuracy',
    yRange: [0, 1],
  });
}

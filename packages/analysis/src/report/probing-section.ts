import { probingPlot } from '../probing/plots.js';
import type { ProbingReport } from '../probing/probing.js';
import type { ReportSection } from './document.js';
import type { Written } from './kernel-sections.js';
import { f3 } from './sensitivity-section.js';

/** The report's "Linear probing" section for a probing run on `conllu` (the plot goes into `written`). */
export function probingSection(probing: ProbingReport, conllu: string, written: Written): ReportSection {
  const pSvg = probingPlot(probing);
  written.set('probing.svg', pSvg);
  const layersP = probing.tasks[0]?.layers.map((l) => l.layer) ?? [];
  return {
    title: 'Linear probing',
    blocks: [
      {
        kind: 'p',
        text:
          `A linear softmax probe (L2, Adam, features standardised) is trained per layer on frozen word vectors (${probing.pooling} sub-token) of \`${conllu}\`: ` +
          `${probing.numSentences} sentences, ${probing.numWords} words, split by sentence into ${probing.numTrainSentences} train / ${probing.numDevSentences} dev. ` +
          'Tasks: UPOS tag and tree depth (HEAD steps to the root). Accuracy well above the majority baseline means the information is linearly readable at that layer.',
      },
      {
        kind: 'figure',
        file: 'probing.svg',
        svg: pSvg,
        caption: 'Dev accuracy by layer (dashed: majority-class baseline).',
      },
      {
        kind: 'table',
        header: ['layer', ...probing.tasks.flatMap((t) => [`${t.task} dev`, `${t.task} train`])],
        rows: [
          ...layersP.map((l, i) => [
            l === 0 ? '0 (emb)' : String(l),
            ...probing.tasks.flatMap((t) => [f3(t.layers[i]!.devAccuracy), f3(t.layers[i]!.trainAccuracy)]),
          ]),
          [
            'majority',
            ...probing.tasks.flatMap((t) => [f3(t.majority.devAccuracy), `(${t.majority.label})`]),
          ],
        ],
      },
      ...probing.notes.map((n) => ({ kind: 'p' as const, text: `Note: ${n}.` })),
    ],
  };
}

/** The "Linear probing" section when no CoNLL-U file was given. */
export const PROBING_NOT_RUN: ReportSection = {
  title: 'Linear probing',
  blocks: [{ kind: 'p', text: 'Not run: pass a CoNLL-U file (`--conllu FILE`).' }],
};

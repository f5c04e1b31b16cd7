/**
 * Build-time assets the guides include:
 * - `generated/bench-latest.md`: tools/bench/results/latest.md when present, else how to produce it.
 * - `generated/analysis-plots.md` + `public/generated/analysis/*.svg`: when @bigs/analysis exists (found on the
 *   filesystem like every package), its kernel plots for a tiny, untrained BiGS; else how to produce them.
 * - `public/generated/demo/` + `generated/demo-bundle.md`: the live demo's browser bundle and its measured size.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildDemoBundle, demoBundleMarkdown } from './demo-bundle.js';
import { DOCS_ROOT, discoverPackages, REPO_ROOT } from './packages.js';

const GEN_DIR = join(DOCS_ROOT, 'generated');
const PUBLIC_GEN = join(DOCS_ROOT, 'public', 'generated');

/** Vue would interpolate `{{ }}` and parse tags in included markdown: keep it literal. */
function literal(md: string): string {
  return `::: v-pre\n${md.trim()}\n:::\n`;
}

export function writeBench(): 'embedded' | 'missing' {
  const latest = join(REPO_ROOT, 'tools', 'bench', 'results', 'latest.md');
  const out = join(GEN_DIR, 'bench-latest.md');
  if (existsSync(latest)) {
    // Demote headings so the page keeps one h1.
    const md = readFileSync(latest, 'utf8').replace(/^(#{1,5}) /gm, '#$1 ');
    writeFileSync(out, literal(md));
    return 'embedded';
  }
  writeFileSync(
    out,
    [
      '::: info No benchmark results at build time',
      '`tools/bench/results/latest.md` did not exist when this site was built. Produce it with',
      '`npx -y pnpm@9.15.9 bench` and rebuild the docs with `pnpm docs:build`.',
      ':::',
      '',
    ].join('\n'),
  );
  return 'missing';
}

const ANALYSIS_MISSING = [
  '::: info Plots not rendered at build time',
  '`@bigs/analysis` was not present (or could not render) when this site was built. Once it exists,',
  '`pnpm docs:build` renders its kernel plots for a tiny model into this page automatically.',
  ':::',
  '',
].join('\n');

interface AnalysisApi {
  extractKernels?: (model: unknown, options?: { length?: number }) => { kind: string };
  kernelLinePlots?: (k: unknown) => string;
  kernelHeatmaps?: (k: unknown) => string;
  interactionMapPlots?: (k: unknown, layer: number, length: number) => string;
}

export async function writeAnalysisPlots(): Promise<'rendered' | 'missing' | 'failed'> {
  const out = join(GEN_DIR, 'analysis-plots.md');
  rmSync(join(PUBLIC_GEN, 'analysis'), { recursive: true, force: true });
  const pkg = discoverPackages().find((p) => p.name === '@bigs/analysis');
  if (!pkg) {
    writeFileSync(out, ANALYSIS_MISSING);
    return 'missing';
  }
  try {
    const api = (await import(pathToFileURL(join(pkg.path, pkg.entry)).href)) as AnalysisApi;
    const { extractKernels, kernelLinePlots, kernelHeatmaps, interactionMapPlots } = api;
    if (!extractKernels || !kernelLinePlots) {
      throw new Error('@bigs/analysis does not export extractKernels and kernelLinePlots');
    }
    const { initEngine } = await import('@bigs/ssm-kernels');
    const { BiGSModel, createConfig, TINY } = await import('@bigs/models');
    await initEngine({ backend: 'cpu', quiet: true });
    // A tiny, freshly initialised BiGS (untrained: the plots show the initial kernels, not learned ones).
    const model = new BiGSModel(createConfig({ ...TINY, maxPositionEmbeddings: 64 }), { seed: 0 });
    const length = 64;
    const k = extractKernels(model, { length });
    if (k.kind !== 'ssm') throw new Error(`extractKernels gave kind '${k.kind}'`);
    const plots: { file: string; title: string; svg: string }[] = [
      { file: 'kernels.svg', title: 'SSM kernels by layer', svg: kernelLinePlots(k) },
    ];
    if (kernelHeatmaps)
      plots.push({ file: 'kernel-heatmaps.svg', title: 'Kernels, layer × distance', svg: kernelHeatmaps(k) });
    if (interactionMapPlots)
      plots.push({
        file: 'interaction-layer0.svg',
        title: 'Token-to-token map, layer 0',
        svg: interactionMapPlots(k, 0, 32),
      });
    model.dispose();
    mkdirSync(join(PUBLIC_GEN, 'analysis'), { recursive: true });
    const lines = [
      'Rendered at build time by `@bigs/analysis` for a tiny, **untrained** BiGS (H = 8, 2 layers, N = 4, L = 64):',
      'they show the initial kernels, not learned ones.',
      '',
    ];
    for (const p of plots) {
      writeFileSync(join(PUBLIC_GEN, 'analysis', p.file), p.svg);
      lines.push(`### ${p.title}`, '', `![${p.title}](/generated/analysis/${p.file})`, '');
    }
    writeFileSync(out, lines.join('\n'));
    return 'rendered';
  } catch (e) {
    console.warn(`docs: analysis plots not rendered: ${(e as Error).message}`);
    writeFileSync(out, ANALYSIS_MISSING);
    return 'failed';
  }
}

/** The live demo's browser bundle (scripts/demo-bundle.ts) and the page's statement of its size. */
export async function writeDemoBundle(): Promise<string> {
  const sizes = await buildDemoBundle();
  writeFileSync(join(GEN_DIR, 'demo-bundle.md'), demoBundleMarkdown(sizes));
  return `${(sizes.jsGzip / 1024).toFixed(0)} KiB gzip`;
}

export async function generateAssets(): Promise<{ bench: string; analysis: string; demo: string }> {
  mkdirSync(GEN_DIR, { recursive: true });
  const bench = writeBench();
  const analysis = await writeAnalysisPlots();
  const demo = await writeDemoBundle();
  console.log(`assets: bench ${bench}, analysis plots ${analysis}, demo bundle ${demo}`);
  return { bench, analysis, demo };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await generateAssets();
}

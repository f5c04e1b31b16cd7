/**
 * The live demo of the docs site (guide/demo.md): a small BiGS the project trained itself (public/demo/, made by
 * tools/scripts/make-demo-model.ts) loaded and run in the page — fill-mask, the model's SSM kernels drawn from its
 * weights, and text classification with the finetuned head. Everything is computed in the browser on the wasm
 * engine; nothing is sent anywhere. Bundled for the browser by scripts/demo-bundle.ts into
 * public/generated/demo/bigs-demo.js, which the page imports.
 *
 * The page's elements are found by their `data-demo` attribute (see guide/demo.md).
 */
import { extractKernels, kernelLinePlots } from '@bigs/analysis';
import {
  type FillMaskPipeline,
  fetchModelFiles,
  type ModelFiles,
  pipeline,
  type TextClassificationPipeline,
} from '@bigs/pipelines';
import { type EngineInfo, initEngine } from '@bigs/ssm-kernels';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

/** What the page passes: the site's base URL (VitePress `withBase('/')`). */
export interface DemoOptions {
  base: string;
}

/** The demo's state: the engine and the two pipelines, loaded once per page load. */
interface Loaded {
  engine: EngineInfo;
  fill: FillMaskPipeline;
  classify: TextClassificationPipeline;
  /** Bytes fetched for each model. */
  bytes: { fillMask: number; classify: number };
  loadMs: number;
}

let loading: Promise<Loaded> | null = null;

const filesBytes = (f: ModelFiles) =>
  Object.values(f.files).reduce((n, c) => n + (typeof c === 'string' ? c.length : c.byteLength), 0);

async function load(base: string): Promise<Loaded> {
  const t0 = performance.now();
  setWasmPaths(`${base}generated/demo/`); // where scripts/demo-bundle.ts copies tfjs-backend-wasm's .wasm files
  const engine = await initEngine({ backend: 'auto' }); // the engine choice: one line ('auto' | 'webgpu' | 'wasm' | 'cpu')
  const [mlmFiles, clsFiles] = await Promise.all([
    fetchModelFiles(`${base}demo/fill-mask/`),
    fetchModelFiles(`${base}demo/classify/`),
  ]);
  const fill = await pipeline('fill-mask', mlmFiles);
  const classify = await pipeline('text-classification', clsFiles);
  const bytes = { fillMask: filesBytes(mlmFiles), classify: filesBytes(clsFiles) };
  return { engine, fill, classify, bytes, loadMs: performance.now() - t0 };
}

function el<T extends Element = HTMLElement>(root: ParentNode, name: string): T {
  const found = root.querySelector<T & Element>(`[data-demo="${name}"]`);
  if (found === null) throw new Error(`demo: the page has no [data-demo="${name}"] element`);
  return found;
}

const ms = (x: number) => `${x < 10 ? x.toFixed(1) : x.toFixed(0)} ms`;
const mb = (b: number) => `${(b / 1e6).toFixed(2)} MB`;

/** Median of the times measured so far (the first call, which also compiles, included). */
function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Fill-mask: the top predictions of each `[MASK]`, the time of this prediction and the median so far. */
function wireFillMask(root: ParentNode, fill: FillMaskPipeline): () => Promise<void> {
  const form = el<HTMLFormElement>(root, 'mask-form');
  const input = el<HTMLInputElement>(root, 'mask-input');
  const out = el(root, 'mask-out');
  const time = el(root, 'mask-time');
  const times: number[] = [];
  const run = async () => {
    out.setAttribute('aria-busy', 'true');
    try {
      const t0 = performance.now();
      const r = await fill(input.value, { topK: 5 });
      const dt = performance.now() - t0;
      times.push(dt);
      out.replaceChildren(
        ...r.masks.map((slot, i) => {
          const list = document.createElement('ol');
          list.dataset.mask = String(i);
          for (const p of slot.predictions) {
            const li = document.createElement('li');
            li.dataset.token = p.tokenStr;
            li.dataset.score = String(p.score);
            li.textContent = `${p.tokenStr} — ${(100 * p.score).toFixed(1)} %`;
            list.append(li);
          }
          return list;
        }),
      );
      const filled = document.createElement('p');
      filled.dataset.demo = 'mask-filled';
      filled.textContent = r.filled;
      out.append(filled);
      out.dataset.input = input.value;
      time.dataset.ms = String(dt);
      time.textContent = `${ms(dt)} for this prediction (median ${ms(median(times))} over ${times.length})`;
    } catch (e) {
      out.replaceChildren(Object.assign(document.createElement('p'), { textContent: (e as Error).message }));
      time.textContent = '';
    } finally {
      out.setAttribute('aria-busy', 'false');
    }
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void run();
  });
  return run;
}

/** Text classification: every label with its score. */
function wireClassify(root: ParentNode, classify: TextClassificationPipeline): () => Promise<void> {
  const form = el<HTMLFormElement>(root, 'cls-form');
  const text = el<HTMLTextAreaElement>(root, 'cls-text');
  const out = el(root, 'cls-out');
  const run = async () => {
    const t0 = performance.now();
    const r = await classify(text.value, { topK: 'all' });
    const dt = performance.now() - t0;
    out.replaceChildren(
      ...r.labels.map((l) => {
        const li = document.createElement('li');
        li.dataset.label = l.label;
        li.dataset.score = String(l.score);
        li.textContent = `${l.label} — ${(100 * l.score).toFixed(1)} %`;
        return li;
      }),
      Object.assign(document.createElement('p'), { textContent: `computed in ${ms(dt)}` }),
    );
    out.dataset.input = text.value;
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void run();
  });
  return run;
}

/** The SSM kernels of the fill-mask model, from its weights (`extractKernels` + `kernelLinePlots` of @bigs/analysis). */
function drawKernels(root: ParentNode, fill: FillMaskPipeline): void {
  const k = extractKernels(fill.model, { length: fill.model.config.maxPositionEmbeddings });
  if (k.kind !== 'ssm') throw new Error(`demo: the model has no SSM kernels (${k.reason})`);
  el(root, 'kernels').innerHTML = kernelLinePlots(k, { maxDistance: 64 });
}

/** Which engine runs, in words: WebGPU names its adapter; wasm its threads and SIMD; and why `auto` moved on. */
function engineLine(e: EngineInfo): string {
  const detail = e.adapter
    ? `adapter ${[e.adapter.vendor, e.adapter.architecture].filter(Boolean).join(' ') || 'unnamed'}`
    : `${e.threads} thread, SIMD ${e.simd ? 'on' : 'off'}`;
  const why = e.notes.length > 0 ? `; ${e.notes.join('; ')}` : '';
  return `${e.variant} (${e.package}@${e.version}, ${detail}${why})`;
}

/**
 * Load the demo models on the wasm engine and wire the page's forms; safe to call again (e.g. after client-side
 * navigation back to the page): the models load once.
 */
export async function mountDemo(root: ParentNode, options: DemoOptions): Promise<void> {
  const status = el(root, 'status');
  try {
    loading ??= load(options.base);
    const d = await loading;
    status.dataset.engine = d.engine.variant;
    status.textContent =
      `Engine: ${engineLine(d.engine)}. Models loaded in ${ms(d.loadMs)}: fill-mask ` +
      `${mb(d.bytes.fillMask)}, classifier ${mb(d.bytes.classify)}.`;
    const runFill = wireFillMask(root, d.fill);
    const runCls = wireClassify(root, d.classify);
    drawKernels(root, d.fill);
    await runFill();
    await runCls();
    status.dataset.ready = 'true';
  } catch (e) {
    status.textContent = `The demo failed to load: ${(e as Error).message}`;
    console.error(e);
  }
}

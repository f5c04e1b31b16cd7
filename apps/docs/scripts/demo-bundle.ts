/**
 * The live demo's browser bundle: demo/demo.ts bundled by esbuild for the browser platform (the packages'
 * `browser` entries; esbuild fails on any Node built-in) into public/generated/demo/bigs-demo.js, next to the
 * tfjs-backend-wasm binaries the engine fetches, and generated/demo-bundle.md stating the measured sizes (the
 * page includes it). The gzip size must stay within {@link DEMO_BUNDLE_GZIP_BUDGET}.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { DOCS_ROOT, REPO_ROOT } from './packages.js';

/** gzip -9 budget of bigs-demo.js (measured 2026-12-07: see generated/demo-bundle.md). */
export const DEMO_BUNDLE_GZIP_BUDGET = 450_000;

export const DEMO_OUT = join(DOCS_ROOT, 'public', 'generated', 'demo');
/** The wasm binaries the single-threaded engine may fetch (SIMD, and the plain build for browsers without SIMD). */
const WASM_FILES = ['tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm.wasm'];

export interface DemoBundleSizes {
  /** What the page loads at start: bigs-demo.js and the chunks it imports statically. */
  js: number;
  jsGzip: number;
  /** Chunks loaded only on demand (the WebGPU backend, when the browser has a GPU adapter). */
  lazyJs: number;
  lazyJsGzip: number;
  wasm: Record<string, { bytes: number; gzip: number }>;
}

const gz = (b: Uint8Array) => gzipSync(b, { level: 9 }).byteLength;

/** Build the demo bundle, copy the wasm files, write the sizes; throws when the bundle is over its budget. */
export async function buildDemoBundle(): Promise<DemoBundleSizes> {
  mkdirSync(DEMO_OUT, { recursive: true });
  const r = await build({
    entryPoints: [join(DOCS_ROOT, 'demo', 'demo.ts')],
    absWorkingDir: REPO_ROOT,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    conditions: ['@bigs/source'],
    // Code split: the WebGPU backend is a chunk the page fetches only when the browser has a GPU adapter.
    splitting: true,
    outdir: DEMO_OUT,
    entryNames: 'bigs-demo',
    chunkNames: 'chunk-[hash]',
    metafile: true,
    write: false,
    logLevel: 'silent',
  });
  for (const old of readdirSync(DEMO_OUT)) if (/^chunk-.*\.js$/.test(old)) rmSync(join(DEMO_OUT, old));
  for (const f of r.outputFiles) writeFileSync(f.path, f.contents);
  const { initial, lazy } = splitLoad(r.metafile, r.outputFiles);
  const js = { byteLength: initial.bytes };
  const req = createRequire(join(REPO_ROOT, 'packages', 'ssm-kernels', 'package.json'));
  const wasmDir = join(dirname(req.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  const wasm: DemoBundleSizes['wasm'] = {};
  for (const name of WASM_FILES) {
    copyFileSync(join(wasmDir, name), join(DEMO_OUT, name));
    const bytes = readFileSync(join(wasmDir, name));
    wasm[name] = { bytes: bytes.byteLength, gzip: gz(bytes) };
  }
  const sizes = { js: js.byteLength, jsGzip: initial.gzip, lazyJs: lazy.bytes, lazyJsGzip: lazy.gzip, wasm };
  writeFileSync(join(DEMO_OUT, 'sizes.json'), `${JSON.stringify(sizes, null, 2)}\n`);
  if (sizes.jsGzip > DEMO_BUNDLE_GZIP_BUDGET) {
    throw new Error(
      `demo bundle: bigs-demo.js and its static chunks are ${sizes.jsGzip} bytes gzip, over its budget of ${DEMO_BUNDLE_GZIP_BUDGET} ` +
        '(scripts/demo-bundle.ts); find what grew with esbuild --analyze',
    );
  }
  return sizes;
}

type Outputs = Array<{ path: string; contents: Uint8Array }>;

/**
 * Bytes the page loads at start (the entry and the chunks it imports statically, transitively) and bytes it
 * loads only on demand (chunks reached by dynamic `import()` alone: the WebGPU backend).
 */
function splitLoad(
  meta: Metafile,
  files: Outputs,
): Record<'initial' | 'lazy', { bytes: number; gzip: number }> {
  const rel = (p: string) => relative(REPO_ROOT, p);
  const entry = Object.keys(meta.outputs).find((o) => meta.outputs[o]!.entryPoint !== undefined)!;
  const seen = new Set<string>([entry]);
  for (const o of seen) {
    for (const i of meta.outputs[o]!.imports) if (i.kind === 'import-statement') seen.add(i.path);
  }
  const sum = (pick: (f: Outputs[number]) => boolean) => {
    const chosen = files.filter((f) => f.path.endsWith('.js') && pick(f));
    return {
      bytes: chosen.reduce((a, f) => a + f.contents.byteLength, 0),
      gzip: chosen.reduce((a, f) => a + gz(f.contents), 0),
    };
  };
  return { initial: sum((f) => seen.has(rel(f.path))), lazy: sum((f) => !seen.has(rel(f.path))) };
}

const kb = (b: number) => `${(b / 1024).toFixed(0)} KiB`;

/** The sizes as the markdown the demo page includes. */
export function demoBundleMarkdown(s: DemoBundleSizes): string {
  const simd = s.wasm['tfjs-backend-wasm-simd.wasm']!;
  return [
    `The page loads **${kb(s.jsGzip)} gzip** of JavaScript (\`bigs-demo.js\`, ${kb(s.js)} minified: TensorFlow.js,`,
    `the wasm engine's loader, the tokenizer, the model, the pipelines, the kernel plots and this page's code;`,
    `budget ${kb(DEMO_BUNDLE_GZIP_BUDGET)} gzip, checked when the site is built) plus the wasm engine`,
    `(\`tfjs-backend-wasm-simd.wasm\`, ${kb(simd.bytes)}, ${kb(simd.gzip)} gzip) and the two models' files.`,
    `A browser with a GPU adapter also fetches the WebGPU backend (${kb(s.lazyJsGzip)} gzip, ${kb(s.lazyJs)} minified,`,
    'a chunk loaded on demand).',
    '',
  ].join('\n');
}

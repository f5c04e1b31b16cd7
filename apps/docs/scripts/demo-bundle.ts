/**
 * The live demo's browser bundle: demo/demo.ts bundled by esbuild for the browser platform (the packages'
 * `browser` entries; esbuild fails on any Node built-in) into public/generated/demo/bigs-demo.js, next to the
 * tfjs-backend-wasm binaries the engine fetches, and generated/demo-bundle.md stating the measured sizes (the
 * page includes it). The gzip size must stay within {@link DEMO_BUNDLE_GZIP_BUDGET}.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { DOCS_ROOT, REPO_ROOT } from './packages.js';

/** gzip -9 budget of bigs-demo.js (measured 2026-12-07: see generated/demo-bundle.md). */
export const DEMO_BUNDLE_GZIP_BUDGET = 450_000;

export const DEMO_OUT = join(DOCS_ROOT, 'public', 'generated', 'demo');
/** The wasm binaries the single-threaded engine may fetch (SIMD, and the plain build for browsers without SIMD). */
const WASM_FILES = ['tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm.wasm'];

export interface DemoBundleSizes {
  js: number;
  jsGzip: number;
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
    outfile: join(DEMO_OUT, 'bigs-demo.js'),
    write: false,
    logLevel: 'silent',
  });
  const js = r.outputFiles.find((f) => f.path.endsWith('.js'))!.contents;
  writeFileSync(join(DEMO_OUT, 'bigs-demo.js'), js);
  const req = createRequire(join(REPO_ROOT, 'packages', 'ssm-kernels', 'package.json'));
  const wasmDir = join(dirname(req.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  const wasm: DemoBundleSizes['wasm'] = {};
  for (const name of WASM_FILES) {
    copyFileSync(join(wasmDir, name), join(DEMO_OUT, name));
    const bytes = readFileSync(join(wasmDir, name));
    wasm[name] = { bytes: bytes.byteLength, gzip: gz(bytes) };
  }
  const sizes = { js: js.byteLength, jsGzip: gz(js), wasm };
  writeFileSync(join(DEMO_OUT, 'sizes.json'), `${JSON.stringify(sizes, null, 2)}\n`);
  if (sizes.jsGzip > DEMO_BUNDLE_GZIP_BUDGET) {
    throw new Error(
      `demo bundle: bigs-demo.js is ${sizes.jsGzip} bytes gzip, over its budget of ${DEMO_BUNDLE_GZIP_BUDGET} ` +
        '(scripts/demo-bundle.ts); find what grew with esbuild --analyze',
    );
  }
  return sizes;
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
    '',
  ].join('\n');
}

/**
 * The inference path builds for browsers: `@bigs/pipelines` + the browser `initEngine` bundled by esbuild for the
 * browser platform, resolving the packages' `browser` entries. esbuild fails on any Node built-in (`node:fs`, …)
 * that a browser-resolved module imports, so a Node-only import on the path fails this test. The bundle's gzip
 * size must stay within the budget stated in the README (measured 2026-12-07, esbuild 0.27.7, gzip -9 of the
 * minified ESM bundle: 321,467 bytes; 413,547 bytes once `@bigs/models` validates config.json with zod, which
 * adds 92 KB gzip of it — the budget allows for that).
 */
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';

/** gzip budget of the minified browser bundle (README "In the browser"). */
export const BROWSER_BUNDLE_GZIP_BUDGET = 430_000;

const ENTRY = `
import { fetchModelFiles, pipeline } from '@bigs/pipelines';
import { initEngine } from '@bigs/ssm-kernels';
export async function fillMask(url, text) {
  await initEngine({ backend: 'wasm' });
  const fill = await pipeline('fill-mask', await fetchModelFiles(url));
  return fill(text);
}
`;

/** Modules that must never reach a browser bundle (Node file system / process set-up). */
const NODE_ONLY = [
  /models\/src\/checkpoint\/pretrained\.ts$/,
  /models\/src\/safetensors\/io\.ts$/,
  /data\/src\/tokenizer\/(io|model-tokenizer)\.ts$/,
  /ssm-kernels\/src\/engine\/(init-engine|wasm-threads|native-engine)\.ts$/,
  /pipelines\/src\/(load|pipeline)\.ts$/,
];

describe('browser bundle', () => {
  it('bundles for the browser platform with no Node built-in, within the gzip budget', async () => {
    const r = await build({
      stdin: { contents: ENTRY, resolveDir: import.meta.dirname, loader: 'js' },
      absWorkingDir: resolve(import.meta.dirname, '../../..'),
      bundle: true,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      minify: true,
      conditions: ['@bigs/source'],
      // The WebGPU backend is imported dynamically: a chunk fetched only when the browser has a GPU adapter.
      splitting: true,
      outdir: resolve(import.meta.dirname, '../.bundle-check'),
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(r.metafile.inputs);
    expect(inputs.filter((p) => NODE_ONLY.some((re) => re.test(p)))).toEqual([]);
    expect(inputs.some((p) => p.endsWith('pipelines/src/index.browser.ts'))).toBe(true);
    expect(inputs.some((p) => p.endsWith('ssm-kernels/src/engine/init-engine.browser.ts'))).toBe(true);
    const start = startChunks(r.metafile, resolve(import.meta.dirname, '../../..'));
    const initial = r.outputFiles.filter((f) => start.has(f.path));
    const lazy = r.outputFiles.filter((f) => !start.has(f.path));
    const bytes = (fs: typeof initial) => fs.reduce((a, f) => a + f.contents.byteLength, 0);
    const gzOf = (fs: typeof initial) =>
      fs.reduce((a, f) => a + gzipSync(f.contents, { level: 9 }).byteLength, 0);
    const gz = gzOf(initial);
    console.log(
      `browser bundle: ${bytes(initial)} bytes minified, ${gz} bytes gzip at start (budget ${BROWSER_BUNDLE_GZIP_BUDGET}); ` +
        `on demand (WebGPU): ${bytes(lazy)} bytes, ${gzOf(lazy)} gzip`,
    );
    expect(lazy.length).toBeGreaterThan(0);
    expect(gz).toBeLessThanOrEqual(BROWSER_BUNDLE_GZIP_BUDGET);
  }, 120_000);
});

/** Absolute paths of the entry chunk and every chunk it imports statically (what a page loads at start). */
function startChunks(meta: Metafile, root: string): Set<string> {
  const entry = Object.keys(meta.outputs).find((o) => meta.outputs[o]!.entryPoint !== undefined)!;
  const seen = new Set<string>([entry]);
  for (const o of seen) {
    for (const i of meta.outputs[o]!.imports) if (i.kind === 'import-statement') seen.add(i.path);
  }
  return new Set([...seen].map((p) => resolve(root, p)));
}

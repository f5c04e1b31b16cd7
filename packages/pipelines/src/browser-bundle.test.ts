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
import { build } from 'esbuild';
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
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(r.metafile.inputs);
    expect(inputs.filter((p) => NODE_ONLY.some((re) => re.test(p)))).toEqual([]);
    expect(inputs.some((p) => p.endsWith('pipelines/src/index.browser.ts'))).toBe(true);
    expect(inputs.some((p) => p.endsWith('ssm-kernels/src/engine/init-engine.browser.ts'))).toBe(true);
    const js = r.outputFiles[0]!.contents;
    const gz = gzipSync(js, { level: 9 }).byteLength;
    console.log(
      `browser bundle: ${js.byteLength} bytes minified, ${gz} bytes gzip (budget ${BROWSER_BUNDLE_GZIP_BUDGET})`,
    );
    expect(gz).toBeLessThanOrEqual(BROWSER_BUNDLE_GZIP_BUDGET);
  }, 120_000);
});

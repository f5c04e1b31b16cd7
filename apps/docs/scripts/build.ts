/**
 * `pnpm docs:build`: API reference (TypeDoc) + build-time assets + `vitepress build` into .vitepress/dist.
 * `--prepare-only` stops before VitePress (used by `docs:dev`).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateApi } from './gen-api.js';
import { generateAssets } from './gen-assets.js';
import { DOCS_ROOT } from './packages.js';

export async function buildDocs(options: { prepareOnly?: boolean } = {}): Promise<void> {
  const t0 = performance.now();
  await generateApi();
  await generateAssets();
  if (options.prepareOnly) return;
  const cli = join(DOCS_ROOT, 'node_modules', 'vitepress', 'bin', 'vitepress.js');
  const r = spawnSync(process.execPath, [cli, 'build', DOCS_ROOT], { stdio: 'inherit', cwd: DOCS_ROOT });
  if (r.status !== 0) throw new Error(`vitepress build failed (exit ${r.status ?? r.signal})`);
  console.log(`docs: built in ${((performance.now() - t0) / 1000).toFixed(0)} s → .vitepress/dist`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await buildDocs({ prepareOnly: process.argv.includes('--prepare-only') });
}

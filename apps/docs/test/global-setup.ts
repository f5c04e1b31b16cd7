/**
 * Builds the site once before the docs tests (TypeDoc + assets + VitePress, the same as `pnpm docs:build`), so the
 * tests never check a stale build. `BIGS_DOCS_SKIP_BUILD=1` reuses an existing build (for quick local iteration).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DIST, DOCS_ROOT } from './site.js';

export default function setup(): void {
  if (process.env.BIGS_DOCS_SKIP_BUILD === '1' && existsSync(join(DIST, 'index.html'))) {
    console.log('docs tests: BIGS_DOCS_SKIP_BUILD=1, reusing .vitepress/dist');
    return;
  }
  const t0 = Date.now();
  const tsx = join(DOCS_ROOT, '..', '..', 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const r = spawnSync(process.execPath, [tsx, '--conditions=@bigs/source', 'scripts/build.ts'], {
    cwd: DOCS_ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) {
    throw new Error(`docs build failed (exit ${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  }
  console.log(`docs tests: site built in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

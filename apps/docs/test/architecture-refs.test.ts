/**
 * Comments and READMEs cite the architecture page (`docs/guide/architecture.md#anchor`), never a text outside the
 * repository: no "spec §N", no `research/…` or `shared/…` notes. Every cited anchor must exist on the page.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DOCS_ROOT, REPO_ROOT } from './site.js';

const PAGE = join(DOCS_ROOT, 'guide', 'architecture.md');
const SKIP = new Set([
  'node_modules',
  'dist',
  'build',
  '.turbo',
  '.vitepress',
  'api',
  'generated',
  'test-results',
]);
const TEXT = /\.(ts|mts|cts|mjs|cjs|js|md|cc|h)$/;

/** The anchors the page defines: `{#id}` after a heading and `<a id="id">`. */
function pageAnchors(): Set<string> {
  const src = readFileSync(PAGE, 'utf8');
  const ids = [...src.matchAll(/\{#([a-z0-9-]+)\}/g), ...src.matchAll(/<a id="([a-z0-9-]+)"/g)].map(
    (m) => m[1]!,
  );
  return new Set(ids);
}

function* files(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP.has(e.name) && !e.name.startsWith('.')) yield* files(p);
    } else if (TEXT.test(e.name) && statSync(p).size < 2_000_000) yield p;
  }
}

/** Every source and documentation file of the repository (packages, apps, tools, root docs). */
function repoFiles(): string[] {
  const out = ['README.md', 'CONTRIBUTING.md'].map((f) => join(REPO_ROOT, f));
  for (const group of ['packages', 'apps', 'tools']) out.push(...files(join(REPO_ROOT, group)));
  return out;
}

const OUTSIDE = [/spec §/, /bigs-spec\.md/, /research\/tfjs-probe/, /\.\.\/shared\//, /\/work\/shared/];
const CITE = /docs\/guide\/architecture\.md#([A-Za-z0-9_-]*)/g;

describe('the architecture page is what the code cites', () => {
  const anchors = pageAnchors();
  // This test names the forbidden patterns and the citation form itself.
  const all = repoFiles().filter((f) => !f.endsWith('architecture-refs.test.ts'));

  it('defines the anchors comments rely on', () => {
    for (const a of [
      'bigs-block',
      'ssm-kernel',
      'kernel-discretisation',
      'gating',
      'long-convolution-strategies',
    ]) {
      expect(anchors, a).toContain(a);
    }
    expect(all.length).toBeGreaterThan(100);
  });

  it('no file cites a text outside the repository', () => {
    const bad: string[] = [];
    for (const f of all) {
      const lines = readFileSync(f, 'utf8').split('\n');
      lines.forEach((line, i) => {
        if (OUTSIDE.some((re) => re.test(line))) {
          bad.push(`${relative(REPO_ROOT, f)}:${i + 1}: ${line.trim().slice(0, 120)}`);
        }
      });
    }
    expect(bad, 'cite docs/guide/architecture.md#<anchor> instead').toEqual([]);
  });

  it('every cited anchor exists on the page', () => {
    const missing: string[] = [];
    let cited = 0;
    for (const f of all) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(CITE)) {
        cited += 1;
        if (!anchors.has(m[1]!)) missing.push(`${relative(REPO_ROOT, f)}: #${m[1]}`);
      }
    }
    expect(cited).toBeGreaterThan(50);
    expect(missing).toEqual([]);
  });
});

/**
 * End to end: the built site served on 127.0.0.1.
 * - Link crawl (plain HTTP, no browser): every internal link and asset of every page answers 200 and is not
 *   VitePress's 404 page; in-page anchors on guide pages exist.
 * - Browser (Debian's chromium driven by playwright-core, never a downloaded browser): click from the home page to
 *   a guide and to an API page, no console errors, a screenshot in test-results/. Skips when /usr/bin/chromium is
 *   absent, unless BIGS_REQUIRE_BROWSER=1 (CI), where it fails.
 * - The live demo (guide/demo): the page loads the demo models on the wasm engine, a typed `[MASK]` sentence gets
 *   the same top-5 tokens and scores as `@bigs/pipelines` gives here in Node on the same files (same wasm engine),
 *   likewise a classified text; the kernel plot is drawn and the time per prediction shown; no console error, no
 *   request leaving 127.0.0.1.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from '@bigs/pipelines';
import { initEngine } from '@bigs/ssm-kernels';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeServer, DIST, DOCS_ROOT, RESULTS_DIR, serveStatic } from './site.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const requireBrowser = process.env.BIGS_REQUIRE_BROWSER === '1';
if (!haveChromium && !requireBrowser) {
  console.warn(
    `docs e2e: SKIPPING the browser test: ${CHROMIUM} not found (apt-get install chromium; CI sets BIGS_REQUIRE_BROWSER=1)`,
  );
}

let server: Server;
let origin = '';

beforeAll(async () => {
  ({ server, origin } = await serveStatic(DIST));
});
afterAll(async () => {
  if (server) await closeServer(server);
});

/** href/src values of a page (attribute values only; VitePress emits double quotes). */
function links(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/\s(?:href|src)="([^"]*)"/g)) out.push(m[1]!.replace(/&amp;/g, '&'));
  return out;
}

const isNotFoundPage = (html: string) => html.includes('class="NotFound"') || /<title>404/.test(html);

describe('link crawl', () => {
  it('every internal link of the built site answers 200 and is not the 404 page', async () => {
    const seen = new Set<string>(['/']);
    const queue = ['/'];
    const pageIds = new Map<string, Set<string>>();
    const anchorRefs: { from: string; page: string; id: string }[] = [];
    const broken: string[] = [];
    while (queue.length > 0) {
      const path = queue.shift()!;
      const res = await fetch(origin + path);
      const type = res.headers.get('content-type') ?? '';
      const isHtml = type.startsWith('text/html');
      const body = isHtml ? await res.text() : '';
      if (!isHtml) await res.arrayBuffer();
      if (res.status !== 200 || (type.startsWith('text/html') && isNotFoundPage(body))) {
        broken.push(`${path} → ${res.status}`);
        continue;
      }
      if (!type.startsWith('text/html')) continue;
      pageIds.set(path, new Set([...body.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!)));
      for (const raw of links(body)) {
        if (/^(https?:)?\/\//.test(raw) || /^(mailto|data|javascript):/.test(raw)) continue;
        const url = new URL(raw, origin + path);
        if (url.origin !== origin) continue;
        if (url.hash.length > 1 && path.startsWith('/guide/')) {
          anchorRefs.push({ from: path, page: url.pathname, id: decodeURIComponent(url.hash.slice(1)) });
        }
        if (!seen.has(url.pathname)) {
          seen.add(url.pathname);
          queue.push(url.pathname);
        }
      }
    }
    expect(broken, `broken internal links:\n${broken.join('\n')}`).toEqual([]);
    const missingAnchors = anchorRefs
      .filter((a) => pageIds.has(a.page) && !pageIds.get(a.page)!.has(a.id))
      .map((a) => `${a.from} → ${a.page}#${a.id}`);
    expect(missingAnchors, `missing anchors:\n${missingAnchors.join('\n')}`).toEqual([]);
    // The crawl reached the guides and every package's API section (at least the five core packages).
    expect([...seen].filter((p) => p.startsWith('/guide/')).length).toBeGreaterThanOrEqual(9);
    expect(
      [...seen].filter((p) => /^\/api\/[^/]+\/index\.html$|^\/api\/[^/]+\/$/.test(p)).length,
    ).toBeGreaterThanOrEqual(5);
    expect(pageIds.size).toBeGreaterThan(100);
  });

  it('a missing page gets 404 and the VitePress 404 page', async () => {
    const res = await fetch(`${origin}/guide/no-such-page.html`);
    expect(res.status).toBe(404);
    expect(isNotFoundPage(await res.text())).toBe(true);
  });
});

describe.skipIf(!haveChromium && !requireBrowser)('in a headless browser', () => {
  it('navigates by clicking to a guide and an API page without console errors', async () => {
    if (!haveChromium)
      throw new Error(`BIGS_REQUIRE_BROWSER=1 but ${CHROMIUM} is missing (apt-get install chromium)`);
    const errors: string[] = [];
    const { page, close } = await openBrowser(errors);
    try {
      await page.goto(`${origin}/`);
      await expect(page.locator('.VPHero .name').first().textContent()).resolves.toContain('BiGS-TS');

      // Home → guide (hero button), then the sidebar to another guide page.
      await page.locator('.VPHero a', { hasText: 'Getting started' }).first().click();
      await page.waitForURL('**/guide/getting-started.html');
      await page.locator('.vp-doc h1', { hasText: 'Getting started' }).waitFor();
      expect(await page.locator('.vp-doc h1').first().textContent()).toContain('Getting started');
      expect(await page.locator('.vp-doc pre code').first().textContent()).toContain('pnpm');
      await page.locator('.VPSidebar a', { hasText: 'Adding a routing layer' }).first().click();
      await page.waitForURL('**/guide/routing-layers.html');
      await page.locator('.vp-doc h1', { hasText: 'Adding a routing layer' }).waitFor();
      await expect(page.locator('.vp-doc').textContent()).resolves.toContain(
        'class FNetRouting extends RoutingLayer',
      );

      // Nav → API overview → a package → a function page.
      await page.locator('.VPNavBar a', { hasText: 'API' }).first().click();
      await page.waitForURL('**/api/');
      await page.locator('.vp-doc h1', { hasText: 'API reference' }).waitFor();
      await page.locator('.vp-doc a', { hasText: '@bigs/ssm-kernels' }).first().click();
      await page.waitForURL('**/api/ssm-kernels/**');
      await page.locator('.vp-doc h1', { hasText: '@bigs/ssm-kernels' }).waitFor();
      await page.locator('.vp-doc').getByRole('link', { name: 'initEngine', exact: true }).first().click();
      await page.waitForURL('**/api/ssm-kernels/functions/initEngine.html');
      await page.locator('.vp-doc h1', { hasText: 'initEngine' }).waitFor();
      expect(await page.locator('.vp-doc h1').first().textContent()).toContain('initEngine');
      expect(await page.locator('.NotFound').count()).toBe(0);

      mkdirSync(RESULTS_DIR, { recursive: true });
      await page.screenshot({ path: join(RESULTS_DIR, 'api-initEngine.png'), fullPage: false });

      // The analysis page: its plots (when rendered at build time) load as images.
      await page.goto(`${origin}/guide/analysis.html`);
      const imgs = page.locator('.vp-doc img');
      for (let i = 0; i < (await imgs.count()); i++) {
        expect(
          await imgs.nth(i).evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth),
        ).toBeGreaterThan(0);
      }
      await page.screenshot({ path: join(RESULTS_DIR, 'guide-analysis.png'), fullPage: true });
    } finally {
      await close();
    }
    expect(errors, errors.join('\n')).toEqual([]);
  });
});

/**
 * Chromium with a fresh profile; every console error, page error, failed request, HTTP error or outside request goes
 * to `errors`. A same-site request the page itself aborts (`net::ERR_ABORTED`: VitePress cancelling its link
 * prefetches when a click navigates away) is not a failure; a missing file still shows as its HTTP status.
 */
async function openBrowser(
  errors: string[],
): Promise<{ context: BrowserContext; page: Page; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'bigs-docs-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()} (${page.url()})`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message} (${page.url()})`));
  page.on('requestfailed', (r) => {
    const reason = r.failure()?.errorText ?? '';
    if (reason === 'net::ERR_ABORTED' && r.url().startsWith(`${origin}/`)) return;
    errors.push(`requestfailed: ${r.url()} ${reason}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  await context.route(/^(?!http:\/\/127\.0\.0\.1:)/, (route) => {
    errors.push(`external request: ${route.request().url()}`);
    return route.abort();
  });
  const close = async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  };
  return { context, page, close };
}

const MASKED = 'the captain of the [MASK] looked at the sea .';
const EMAIL = 'Dear friend, earn $5000 a week from home! Limited offer, click here now to get rich.';

describe.skipIf(!haveChromium && !requireBrowser)('the live demo in a headless browser', () => {
  it('fill-mask and classification in the page equal the Node pipelines on the same files', async () => {
    if (!haveChromium)
      throw new Error(`BIGS_REQUIRE_BROWSER=1 but ${CHROMIUM} is missing (apt-get install chromium)`);
    // The Node answers: the same files, the same engine (tfjs-backend-wasm, one thread).
    await initEngine({ backend: 'wasm', threads: 1, quiet: true });
    const fill = await pipeline('fill-mask', join(DOCS_ROOT, 'public', 'demo', 'fill-mask'));
    const classify = await pipeline('text-classification', join(DOCS_ROOT, 'public', 'demo', 'classify'));
    const want = (await fill(MASKED, { topK: 5 })).masks[0]!.predictions;
    const wantCls = (await classify(EMAIL, { topK: 'all' })).labels;
    fill.dispose();
    classify.dispose();

    const errors: string[] = [];
    const { page, close } = await openBrowser(errors);
    try {
      await page.goto(`${origin}/guide/demo.html`);
      const status = page.locator('[data-demo="status"]');
      await page.locator('[data-demo="status"][data-ready="true"]').waitFor({ timeout: 180_000 });
      expect(await status.getAttribute('data-engine')).toBe('wasm');
      expect(await status.textContent()).toMatch(/Engine: wasm \(@tensorflow\/tfjs-backend-wasm@4\.22\.0/);
      expect(await page.locator('[data-demo="kernels"] > svg').count()).toBe(1);

      const input = page.locator('[data-demo="mask-input"]');
      await input.fill('');
      await input.pressSequentially(MASKED);
      await input.press('Enter');
      await page.locator(`[data-demo="mask-out"][data-input="${MASKED}"]`).waitFor({ timeout: 60_000 });
      const got = await page.locator('[data-demo="mask-out"] ol[data-mask="0"] li').evaluateAll((lis) =>
        lis.map((li) => ({
          token: (li as HTMLElement).dataset.token!,
          score: Number((li as HTMLElement).dataset.score),
        })),
      );
      expect(got.map((p) => p.token)).toEqual(want.map((p) => p.tokenStr));
      for (const [i, p] of got.entries()) expect(p.score).toBeCloseTo(want[i]!.score, 5);
      const ms = Number(await page.locator('[data-demo="mask-time"]').getAttribute('data-ms'));
      expect(ms).toBeGreaterThan(0);
      expect(await page.locator('[data-demo="mask-time"]').textContent()).toMatch(
        /ms for this prediction \(median/,
      );
      console.log(`docs e2e: demo fill-mask prediction in Chromium (wasm): ${ms.toFixed(1)} ms`);

      const text = page.locator('[data-demo="cls-text"]');
      await text.fill(EMAIL);
      await page.locator('[data-demo="cls-form"] button').click();
      await page.locator(`[data-demo="cls-out"][data-input="${EMAIL}"]`).waitFor({ timeout: 60_000 });
      const gotCls = await page.locator('[data-demo="cls-out"] li').evaluateAll((lis) =>
        lis.map((li) => ({
          label: (li as HTMLElement).dataset.label!,
          score: Number((li as HTMLElement).dataset.score),
        })),
      );
      expect(gotCls.map((l) => l.label)).toEqual(wantCls.map((l) => l.label));
      for (const [i, l] of gotCls.entries()) expect(l.score).toBeCloseTo(wantCls[i]!.score, 5);

      mkdirSync(RESULTS_DIR, { recursive: true });
      await page.screenshot({ path: join(RESULTS_DIR, 'guide-demo.png'), fullPage: true });
    } finally {
      await close();
    }
    expect(errors, errors.join('\n')).toEqual([]);
  });
});

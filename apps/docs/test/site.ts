/** Helpers shared by the docs tests: paths, the build, and a small static server for the built site. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DOCS_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const REPO_ROOT = resolve(DOCS_ROOT, '..', '..');
export const DIST = join(DOCS_ROOT, '.vitepress', 'dist');
export const API_DIR = join(DOCS_ROOT, 'api');
export const RESULTS_DIR = join(DOCS_ROOT, 'test-results');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** The file a URL path maps to in `root` (VitePress layout: `/x/` → x/index.html, `/x` → x.html), or null. */
export function resolveFile(root: string, urlPath: string): string | null {
  let p: string;
  try {
    p = decodeURIComponent(urlPath.split('?')[0]!.split('#')[0]!);
  } catch {
    return null;
  }
  const rel = normalize(p).replace(/^([/\\])+/, '');
  if (rel.startsWith('..')) return null;
  const base = join(root, rel);
  for (const candidate of [base, join(base, 'index.html'), `${base}.html`]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

/** Serve `root` on 127.0.0.1 at a random free port; missing paths get 404.html with status 404. */
export async function serveStatic(root: string): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const file = resolveFile(root, req.url ?? '/');
    if (file === null) {
      const notFound = join(root, '404.html');
      res.writeHead(404, { 'content-type': TYPES['.html']! });
      res.end(existsSync(notFound) ? readFileSync(notFound) : 'not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  const { port } = server.address() as AddressInfo;
  return { server, origin: `http://127.0.0.1:${port}` };
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((ok) => {
    server.closeAllConnections();
    server.close(() => ok());
  });
}

/**
 * Discovers the workspace library packages from the filesystem (`packages/* /package.json`), so a new package gets
 * an API section without touching the docs. A package is documented when it is public-named `@bigs/*` and its
 * `exports["."]` has an `@bigs/source` entry (its TypeScript entry point).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (apps/docs/scripts → ../../..). */
export const REPO_ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
/** apps/docs. */
export const DOCS_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** One documented package. */
export interface DocPackage {
  /** npm name, e.g. `@bigs/ssm-kernels`. */
  name: string;
  /** Folder name under packages/, e.g. `ssm-kernels`. */
  dir: string;
  /** Absolute package directory. */
  path: string;
  /** Entry point relative to the package directory, e.g. `./src/index.ts`. */
  entry: string;
  description: string;
}

/**
 * The `@bigs/source` entry of `exports["."]` — a path, or `{ browser, default }` for packages with a browser entry
 * (the Node entry, `default`, is the documented one) — or null.
 */
function sourceEntry(pkg: Record<string, unknown>): string | null {
  const exportsField = pkg.exports as Record<string, unknown> | undefined;
  const dot = exportsField?.['.'];
  if (dot && typeof dot === 'object') {
    const src = (dot as Record<string, unknown>)['@bigs/source'];
    if (typeof src === 'string') return src;
    const node = (src as Record<string, unknown> | undefined)?.default;
    if (typeof node === 'string') return node;
  }
  return null;
}

/** Every documentable package under packages/, sorted by folder name. */
export function discoverPackages(root = REPO_ROOT): DocPackage[] {
  const base = join(root, 'packages');
  const out: DocPackage[] = [];
  for (const dir of readdirSync(base).sort()) {
    const pkgFile = join(base, dir, 'package.json');
    if (!existsSync(pkgFile)) continue;
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as Record<string, unknown>;
    const name = pkg.name;
    const entry = sourceEntry(pkg);
    if (typeof name !== 'string' || !name.startsWith('@bigs/') || entry === null) continue;
    if (!existsSync(join(base, dir, entry))) continue;
    out.push({
      name,
      dir,
      path: join(base, dir),
      entry,
      description: typeof pkg.description === 'string' ? pkg.description : '',
    });
  }
  return out;
}

/** URL path of a package's API index inside the site (`/api/ssm-kernels/`). */
export function apiPath(p: DocPackage): string {
  return `/api/${p.dir}/`;
}

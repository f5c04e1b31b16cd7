#!/usr/bin/env node
// The pack step of every publishable @bigs package (its `prepack` / `postpack` scripts; `pnpm pack`,
// `pnpm publish` and `npm pack` all run them). It makes a packed tarball fail closed:
//
// - `prepack` rewrites package.json for the tarball (a backup is kept):
//   * each `@bigs/*` dependency (`workspace:` in this repository) becomes an *optional peer dependency pinned to
//     the exact version* of the sibling package. npm and pnpm never install a missing optional peer from a registry
//     (npm looks the name up and downloads nothing; pnpm does not even ask), so installing one tarball without its siblings can never pull `@bigs/...` from the public npm registry,
//     where the `@bigs` scope is not ours (see "Publishing" in CONTRIBUTING.md);
//   * a `bigs` field records the provenance (`packedBy`) and the exact siblings this package needs;
//   * a `postinstall` script (`bigs-pack/check-siblings.cjs`, copied in) checks at install time that each sibling
//     is installed, at the pinned version, and was itself packed by this step, and fails the install with a
//     message naming the tarballs to install together otherwise.
// - `postpack` restores package.json and removes the copied script.
//
// Usage (from a package directory): node ../../tools/scripts/pack-manifest.mjs prepack|postpack
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Written into the `bigs.packedBy` field of every packed manifest; the install-time check looks for it. */
export const PACKED_BY = 'bigs-ts tools/scripts/pack-manifest.mjs';
/** Where `prepack` keeps the original package.json until `postpack`. */
export const BACKUP = 'package.json.bigs-prepack';
/** Folder (in the package) holding the install-time check in the tarball. */
export const CHECK_DIR = 'bigs-pack';
const CHECK_SCRIPT = 'check-siblings.cjs';
const HERE = dirname(fileURLToPath(import.meta.url));

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const isBigs = (name) => name.startsWith('@bigs/');

/** The @bigs packages next to `pkgDir` (its parent folder): name → { version, deps (their @bigs dependencies) }. */
export function workspacePackages(pkgDir) {
  const parent = resolve(pkgDir, '..');
  const out = new Map();
  for (const d of readdirSync(parent, { withFileTypes: true })) {
    const file = join(parent, d.name, 'package.json');
    if (!d.isDirectory() || !existsSync(file)) continue;
    const m = readJson(file);
    // Private packages (apps' helpers such as @bigs/cli-kit) are never packed, so never a sibling to pin.
    if (typeof m.name !== 'string' || !isBigs(m.name) || m.private === true) continue;
    out.set(m.name, { version: m.version, deps: Object.keys(m.dependencies ?? {}).filter(isBigs) });
  }
  return out;
}

/** The exact version a `workspace:` (or plain) spec of a sibling packs to. */
function siblingVersion(owner, name, spec, packages) {
  const p = packages.get(name);
  if (!p) {
    throw new Error(
      `${owner}: dependency ${name} (${spec}) is not a package of this workspace, so it cannot be pinned; ` +
        'a @bigs package must only depend on sibling @bigs packages',
    );
  }
  return p.version;
}

/**
 * The manifest that goes into the tarball (see the header of this file). Pure: `packages` is
 * {@link workspacePackages}.
 */
export function packedManifest(manifest, packages) {
  const owner = `${manifest.name}@${manifest.version}`;
  if (manifest.bigs?.packedBy) {
    throw new Error(
      `${owner}: package.json is already a packed manifest (a pack did not finish?); restore it from ${BACKUP} or git`,
    );
  }
  const m = structuredClone(manifest);
  const siblings = {};
  for (const field of ['dependencies', 'optionalDependencies']) {
    for (const [name, spec] of Object.entries(m[field] ?? {})) {
      if (!isBigs(name)) continue;
      siblings[name] = siblingVersion(owner, name, spec, packages);
      delete m[field][name];
    }
    if (m[field] && Object.keys(m[field]).length === 0) delete m[field];
  }
  for (const field of ['devDependencies', 'peerDependencies']) {
    for (const [name, spec] of Object.entries(m[field] ?? {})) {
      if (isBigs(name) && String(spec).startsWith('workspace:'))
        m[field][name] = siblingVersion(owner, name, spec, packages);
    }
  }
  // Every @bigs package this one needs, directly or through a sibling (for the install hint).
  const requires = {};
  const visit = (name) => {
    if (name in requires) return;
    requires[name] = siblingVersion(owner, name, '', packages);
    for (const d of packages.get(name).deps) visit(d);
  };
  for (const name of Object.keys(siblings)) visit(name);
  const names = Object.keys(siblings).sort();
  if (names.length > 0) {
    m.peerDependencies = { ...m.peerDependencies };
    m.peerDependenciesMeta = { ...m.peerDependenciesMeta };
    for (const name of names) {
      m.peerDependencies[name] = siblings[name];
      m.peerDependenciesMeta[name] = { optional: true };
    }
    m.scripts = { ...m.scripts };
    const check = `node ${CHECK_DIR}/${CHECK_SCRIPT}`;
    m.scripts.postinstall = m.scripts.postinstall ? `${check} && ${m.scripts.postinstall}` : check;
    m.files = [...(m.files ?? []), CHECK_DIR];
  }
  m.bigs = { packedBy: PACKED_BY, siblings, requires };
  return m;
}

function prepack(pkgDir) {
  const file = join(pkgDir, 'package.json');
  const backup = join(pkgDir, BACKUP);
  if (existsSync(backup)) {
    throw new Error(
      `${backup} exists: an earlier pack did not finish. Move it back over package.json (it is the original), then pack again`,
    );
  }
  const manifest = readJson(file);
  const main = manifest.main ?? 'index.js';
  if (!existsSync(join(pkgDir, main))) {
    throw new Error(`${manifest.name}: ${main} is missing; build the package first (pnpm build)`);
  }
  const packed = packedManifest(manifest, workspacePackages(pkgDir));
  copyFileSync(file, backup);
  try {
    if (Object.keys(packed.bigs.siblings).length > 0) {
      mkdirSync(join(pkgDir, CHECK_DIR), { recursive: true });
      copyFileSync(join(HERE, CHECK_SCRIPT), join(pkgDir, CHECK_DIR, CHECK_SCRIPT));
    }
    writeFileSync(file, `${JSON.stringify(packed, null, 2)}\n`);
  } catch (e) {
    postpack(pkgDir);
    throw e;
  }
}

function postpack(pkgDir) {
  const backup = join(pkgDir, BACKUP);
  if (existsSync(backup)) renameSync(backup, join(pkgDir, 'package.json'));
  rmSync(join(pkgDir, CHECK_DIR), { recursive: true, force: true });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const step = process.argv[2];
  const pkgDir = process.cwd();
  try {
    if (step === 'prepack') prepack(pkgDir);
    else if (step === 'postpack') postpack(pkgDir);
    else throw new Error(`usage: pack-manifest.mjs prepack|postpack (got ${step})`);
  } catch (e) {
    process.stderr.write(`pack-manifest: ${e.message}\n`);
    process.exitCode = 1;
  }
}

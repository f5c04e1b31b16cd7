/**
 * Supply chain: packed @bigs tarballs fail closed (tools/scripts/pack-manifest.mjs, "Publishing" in CONTRIBUTING.md).
 * The real package.json files of gated-blocks and its siblings (ssm-kernels, tfjs-backend-native, common) are packed with
 * `pnpm pack` and installed with `npm install` into empty directories, against a registry stub that records every
 * request and offers a squatter's `@bigs/ssm-kernels@0.1.0` (whose install script leaves a PWNED file): one tarball
 * alone must fail with a message naming the tarballs to add and install or run nothing from the registry (npm
 * still looks up the name of the missing optional peer, but never downloads it); it succeeds when the sibling
 * tarballs are given too.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');
const SIBLINGS = ['gated-blocks', 'ssm-kernels', 'tfjs-backend-native', 'common'] as const;
const TARBALL = (name: string) => `bigs-${name}-0.1.0.tgz`;

/** Tiny stand-ins for the built dist/ (the test is about packaging, not the code): each imports its sibling. */
const DIST: Record<(typeof SIBLINGS)[number], string> = {
  'tfjs-backend-native': "export const engine = 'native';\n",
  common: "export const common = 'common';\n",
  'ssm-kernels':
    "import { engine } from '@bigs/tfjs-backend-native';\nexport const kernels = 'ssm-kernels+' + engine;\n",
  'gated-blocks': "export { kernels } from '@bigs/ssm-kernels';\nexport const blocks = 'gated-blocks';\n",
};

const SQUATTER_MANIFEST = JSON.stringify({
  name: '@bigs/ssm-kernels',
  version: '0.1.0',
  scripts: { postinstall: `node -e "require('fs').writeFileSync(process.env.INIT_CWD + '/PWNED', '')"` },
});

/** Nothing was downloaded from the registry (npm may look up a missing optional peer's name, nothing more). */
function nothingFetched(dir: string): void {
  expect(requests.filter((u) => !/^\/@bigs(%2f|\/)(ssm-kernels|common)$/i.test(u))).toEqual([]);
  expect(existsSync(join(dir, 'PWNED'))).toBe(false);
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((done) => {
    execFile(cmd, args, { cwd, env, encoding: 'utf8', timeout: 90_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

let tmp = '';
let registry: Server;
const requests: string[] = [];
/** The squatter's tarball, served by the registry stub as @bigs/ssm-kernels@0.1.0. */
let squatter: Buffer = Buffer.alloc(0);
const SQUAT = 'foreign-out/bigs-ssm-kernels-0.1.0.tgz';
let env: NodeJS.ProcessEnv = {};

/** Copy a package (its package.json and the files it packs) under `tmp`, keeping only the @bigs relations. */
function copyPackage(name: (typeof SIBLINGS)[number]): string {
  const src = join(ROOT, 'packages', name);
  const dst = join(tmp, 'packages', name);
  mkdirSync(join(dst, 'dist'), { recursive: true });
  const m = JSON.parse(readFileSync(join(src, 'package.json'), 'utf8'));
  // Third-party dependencies would need a real registry; this test runs offline. The @bigs ones are untouched.
  for (const field of [
    'dependencies',
    'optionalDependencies',
    'peerDependencies',
    'peerDependenciesMeta',
    'devDependencies',
  ]) {
    if (!m[field]) continue;
    m[field] = Object.fromEntries(Object.entries(m[field]).filter(([k]) => k.startsWith('@bigs/')));
    if (Object.keys(m[field]).length === 0) delete m[field];
  }
  writeFileSync(join(dst, 'package.json'), `${JSON.stringify(m, null, 2)}\n`);
  writeFileSync(join(dst, 'dist/index.js'), DIST[name]);
  writeFileSync(join(dst, 'dist/index.d.ts'), 'export {};\n');
  if (name === 'tfjs-backend-native') {
    mkdirSync(join(dst, 'scripts'));
    copyFileSync(join(src, 'scripts/install.cjs'), join(dst, 'scripts/install.cjs'));
  }
  return dst;
}

function consumer(label: string): string {
  const dir = join(tmp, `consumer-${label}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), '{ "name": "consumer", "private": true }\n');
  return dir;
}

const npmInstall = (dir: string, files: string[], ...flags: string[]) =>
  run('npm', ['install', '--no-audit', '--no-fund', ...flags, ...files.map((f) => join(tmp, f))], dir, env);
const importIn = (dir: string, spec: string) =>
  run(
    process.execPath,
    ['--input-type=module', '-e', `const m = await import('${spec}'); console.log(JSON.stringify(m));`],
    dir,
    env,
  );

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'bigs-packaging-'));
  registry = createServer((req, res) => {
    const url = req.url ?? '';
    requests.push(url);
    const { port } = registry.address() as AddressInfo;
    if (url.endsWith('.tgz')) {
      res.end(squatter);
    } else if (/^\/@bigs(%2f|\/)ssm-kernels$/i.test(url)) {
      const dist = {
        tarball: `http://127.0.0.1:${port}/@bigs/ssm-kernels/-/ssm-kernels-0.1.0.tgz`,
        shasum: createHash('sha1').update(squatter).digest('hex'),
        integrity: `sha512-${createHash('sha512').update(squatter).digest('base64')}`,
      };
      const version = { ...JSON.parse(SQUATTER_MANIFEST), dist };
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          name: '@bigs/ssm-kernels',
          'dist-tags': { latest: '0.1.0' },
          versions: { '0.1.0': version },
        }),
      );
    } else {
      res.statusCode = 404;
      res.end('{"error":"not found"}');
    }
  });
  await new Promise<void>((r) => registry.listen(0, '127.0.0.1', r));
  const { port } = registry.address() as AddressInfo;
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^npm_(config|package|lifecycle)_/i.test(k)),
  );
  env = { ...clean };
  Object.assign(env, {
    npm_config_registry: `http://127.0.0.1:${port}/`,
    npm_config_cache: join(tmp, 'npm-cache'),
    npm_config_update_notifier: 'false',
    npm_config_fetch_retries: '0',
    BIGS_NATIVE_SKIP_BUILD: '1', // the native install script must not try a C++ build here; it never fails anyway
  });
  mkdirSync(join(tmp, 'tools/scripts'), { recursive: true });
  for (const f of ['pack-manifest.mjs', 'check-siblings.cjs'])
    copyFileSync(join(ROOT, 'tools/scripts', f), join(tmp, 'tools/scripts', f));
  const pnpm = process.env.npm_execpath?.includes('pnpm')
    ? [process.execPath, [process.env.npm_execpath]]
    : ['npx', ['-y', 'pnpm@9.15.9']];
  const dirs = SIBLINGS.map(copyPackage);
  for (const [i, name] of SIBLINGS.entries()) {
    const dir = dirs[i] as string;
    // Packing needs no registry; npx may need one to find pnpm, so this step runs with the ordinary settings.
    const r = await run(
      pnpm[0] as string,
      [...(pnpm[1] as string[]), 'pack', '--pack-destination', tmp],
      dir,
      clean,
    );
    expect(r.stderr + r.stdout).toContain(TARBALL(name));
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, 'package.json.bigs-prepack'))).toBe(false); // postpack restored it
  }
  // A foreign @bigs/ssm-kernels@0.1.0 (what a squatter could publish): right name and version, not packed by us.
  const foreign = join(tmp, 'foreign');
  mkdirSync(foreign);
  writeFileSync(join(foreign, 'package.json'), SQUATTER_MANIFEST);
  mkdirSync(join(tmp, 'foreign-out'));
  expect(
    (await run('npm', ['pack', '--pack-destination', join(tmp, 'foreign-out')], foreign, env)).code,
  ).toBe(0);
  squatter = readFileSync(join(tmp, SQUAT));
}, 120_000);

afterAll(() => {
  registry?.close();
});

describe('packed tarballs fail closed', () => {
  it('every publishable package: @bigs dependencies become exact optional peers, no workspace: left', async () => {
    const { packedManifest, workspacePackages } = await import(
      pathToFileURL(join(ROOT, 'tools/scripts/pack-manifest.mjs')).href
    );
    const packages = workspacePackages(join(ROOT, 'packages', 'models'));
    const publishable = readdirSync(join(ROOT, 'packages'))
      .filter((d) => existsSync(join(ROOT, 'packages', d, 'package.json')))
      .map((d) => JSON.parse(readFileSync(join(ROOT, 'packages', d, 'package.json'), 'utf8')))
      .filter((m) => !m.private)
      .map((m) => m.name as string)
      .sort();
    expect([...packages.keys()].sort()).toEqual(publishable);
    // Exact sibling pins need one version for all: the changesets "fixed" group holds every publishable package.
    const changesets = JSON.parse(readFileSync(join(ROOT, '.changeset/config.json'), 'utf8'));
    expect([...changesets.fixed[0]].sort()).toEqual(publishable);
    for (const name of packages.keys()) {
      const dir = join(ROOT, 'packages', name.slice('@bigs/'.length));
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      expect(manifest.scripts.prepack).toBe('node ../../tools/scripts/pack-manifest.mjs prepack');
      expect(manifest.scripts.postpack).toBe('node ../../tools/scripts/pack-manifest.mjs postpack');
      const packed = packedManifest(manifest, packages);
      expect(JSON.stringify(packed)).not.toContain('workspace:');
      const deps = Object.keys(manifest.dependencies ?? {}).filter((d) => d.startsWith('@bigs/'));
      expect(Object.keys(packed.bigs.siblings).sort()).toEqual(deps.sort());
      for (const d of deps) {
        expect(packed.dependencies?.[d]).toBeUndefined();
        expect(packed.peerDependencies[d]).toBe(packages.get(d).version);
        expect(packed.peerDependenciesMeta[d]).toEqual({ optional: true });
      }
      expect(packed.scripts.postinstall === undefined).toBe(deps.length === 0);
      expect(() => packedManifest(packed, packages)).toThrow(/already a packed manifest/);
    }
  });

  it('the packed manifest pins the siblings as exact optional peers, with provenance and the install check', async () => {
    const r = await run(
      'tar',
      ['-xOzf', join(tmp, TARBALL('gated-blocks')), 'package/package.json'],
      tmp,
      env,
    );
    const m = JSON.parse(r.stdout);
    expect(JSON.stringify(m)).not.toContain('workspace:');
    expect(m.dependencies?.['@bigs/ssm-kernels']).toBeUndefined();
    expect(m.peerDependencies['@bigs/ssm-kernels']).toBe('0.1.0');
    expect(m.peerDependenciesMeta['@bigs/ssm-kernels']).toEqual({ optional: true });
    expect(m.bigs).toEqual({
      packedBy: 'bigs-ts tools/scripts/pack-manifest.mjs',
      siblings: { '@bigs/common': '0.1.0', '@bigs/ssm-kernels': '0.1.0' },
      requires: {
        '@bigs/common': '0.1.0',
        '@bigs/ssm-kernels': '0.1.0',
        '@bigs/tfjs-backend-native': '0.1.0',
      },
    });
    expect(m.scripts.postinstall).toBe('node bigs-pack/check-siblings.cjs');
    expect(m.scripts.prepack).toBeUndefined();
    const list = await run('tar', ['-tzf', join(tmp, TARBALL('gated-blocks'))], tmp, env);
    expect(list.stdout).toContain('package/bigs-pack/check-siblings.cjs');
    const native = JSON.parse(
      (
        await run(
          'tar',
          ['-xOzf', join(tmp, TARBALL('tfjs-backend-native')), 'package/package.json'],
          tmp,
          env,
        )
      ).stdout,
    );
    expect(native.scripts.install).toBe('node scripts/install.cjs'); // its own install step is kept
    expect(native.scripts.postinstall).toBeUndefined(); // no siblings to check
    expect(native.bigs.packedBy).toBe(m.bigs.packedBy);
  });

  it('one tarball alone: the install fails naming the tarballs to add; nothing comes from the registry', async () => {
    requests.length = 0;
    const dir = consumer('alone');
    const r = await npmInstall(dir, [TARBALL('gated-blocks')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      '@bigs/gated-blocks@0.1.0: refusing to install: @bigs/common@0.1.0 is not installed; @bigs/ssm-kernels@0.1.0 is not installed',
    );
    expect(r.stderr).toContain(
      'npm install ./bigs-gated-blocks-0.1.0.tgz ./bigs-common-0.1.0.tgz ./bigs-ssm-kernels-0.1.0.tgz ./bigs-tfjs-backend-native-0.1.0.tgz',
    );
    nothingFetched(dir);
    expect(existsSync(join(dir, 'node_modules/@bigs/ssm-kernels'))).toBe(false);
  });

  it('one tarball with install scripts off: still nothing fetched, and the import fails on the missing sibling', async () => {
    requests.length = 0;
    const dir = consumer('no-scripts');
    const r = await npmInstall(dir, [TARBALL('gated-blocks')], '--ignore-scripts');
    expect(r.code).toBe(0);
    nothingFetched(dir);
    expect(existsSync(join(dir, 'node_modules/@bigs/ssm-kernels'))).toBe(false);
    const imp = await importIn(dir, '@bigs/gated-blocks');
    expect(imp.code).not.toBe(0);
    expect(imp.stderr).toMatch(/Cannot find package '@bigs\/ssm-kernels'/);
  });

  it('a foreign sibling of the right name and version is refused', async () => {
    requests.length = 0;
    const dir = consumer('foreign');
    const r = await npmInstall(dir, [TARBALL('gated-blocks'), SQUAT]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/@bigs\/ssm-kernels at .* was not packed by BiGS-TS/);
  });

  it('with the sibling tarballs given too, the install and the import succeed', async () => {
    requests.length = 0;
    const dir = consumer('all');
    const r = await npmInstall(dir, SIBLINGS.map(TARBALL));
    expect(r.stderr).not.toMatch(/refusing/);
    expect(r.code).toBe(0);
    expect(requests).toEqual([]);
    expect(
      readFileSync(join(dir, 'node_modules/@bigs/tfjs-backend-native/build/BUILD_FAILED.txt'), 'utf8'),
    ).toMatch(/BIGS_NATIVE_SKIP_BUILD/); // its own install step ran, and did not fail the install
    const imp = await importIn(dir, '@bigs/gated-blocks');
    expect(imp.stderr).toBe('');
    expect(JSON.parse(imp.stdout)).toEqual({ blocks: 'gated-blocks', kernels: 'ssm-kernels+native' });
  });
});

#!/usr/bin/env node
// Install-time check of a packed @bigs package (copied into the tarball as bigs-pack/check-siblings.cjs by
// tools/scripts/pack-manifest.mjs, run as its `postinstall`). The sibling @bigs packages are optional peer
// dependencies pinned to exact versions, so no package manager installs them from a registry; this check
// makes a missing or foreign sibling fail the install with a message, instead of failing later at import.
// A sibling passes when it is installed where Node would resolve it from here, has the pinned version, and
// carries the `bigs.packedBy` field that only the BiGS-TS pack step writes.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const PACKED_BY = 'bigs-ts tools/scripts/pack-manifest.mjs';
const root = path.resolve(__dirname, '..');
const me = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const siblings = me.bigs?.siblings ?? {};
const requires = me.bigs?.requires ?? siblings;

/** The package.json Node's resolution would find for `name` starting at `from` (null when there is none). */
function locate(name, from) {
  let dir = from;
  for (;;) {
    if (path.basename(dir) !== 'node_modules') {
      const file = path.join(dir, 'node_modules', ...name.split('/'), 'package.json');
      if (fs.existsSync(file)) return file;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

const tarball = (name, version) => `${name.slice(1).replace('/', '-')}-${version}.tgz`;
const problems = [];
for (const [name, version] of Object.entries(siblings)) {
  const file = locate(name, root);
  if (!file) {
    problems.push(`${name}@${version} is not installed`);
    continue;
  }
  let sib;
  try {
    sib = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    problems.push(`${file}: cannot read (${e.message})`);
    continue;
  }
  if (sib.bigs?.packedBy !== PACKED_BY) {
    problems.push(
      `${name} at ${path.dirname(file)} was not packed by BiGS-TS (its package.json has no "bigs.packedBy" field): ` +
        'it may come from the public npm registry, where the @bigs scope is not ours; remove it',
    );
  } else if (sib.version !== version) {
    problems.push(
      `${name} at ${path.dirname(file)} is version ${sib.version}, this package needs exactly ${version}`,
    );
  }
}

if (problems.length > 0) {
  const all = [[me.name, me.version], ...Object.entries(requires)].map(([n, v]) => `./${tarball(n, v)}`);
  process.stderr.write(
    `${me.name}@${me.version}: refusing to install: ${problems.join('; ')}.\n` +
      'The @bigs packages are never installed from a registry on their own (see "Publishing" in the BiGS-TS ' +
      'README): install the tarballs of one release together, e.g.\n' +
      `  npm install ${all.join(' ')}\n`,
  );
  process.exitCode = 1;
}

#!/usr/bin/env node
// Install step of @bigs/tfjs-backend-native: use a prebuilt addon for this platform when the package
// ships one, otherwise build from source with node-gyp. It never fails the install: when the build
// fails it says why once, records the reason for the loader, and the `native` engine is unavailable.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const failedFile = path.join(root, 'build', 'BUILD_FAILED.txt');
const prebuilt = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`, 'bigs_native.node');

function say(msg) {
  process.stderr.write(`@bigs/tfjs-backend-native: ${msg}\n`);
}

function recordFailure(reason) {
  fs.mkdirSync(path.dirname(failedFile), { recursive: true });
  fs.writeFileSync(failedFile, `${reason}\n`);
  say(`the native engine is unavailable (${reason.split('\n')[0]}); the install goes on and 'auto' picks another engine.`);
}

function main() {
  fs.rmSync(failedFile, { force: true });
  if (fs.existsSync(prebuilt)) return say(`using the prebuilt addon ${path.relative(root, prebuilt)}`);
  if (process.env.BIGS_NATIVE_SKIP_BUILD === '1') return recordFailure('BIGS_NATIVE_SKIP_BUILD=1 skipped the build');
  let gyp;
  try {
    gyp = require.resolve('node-gyp/bin/node-gyp.js');
  } catch {
    return recordFailure('node-gyp is not installed');
  }
  const args = [gyp, 'rebuild', '--release', '-j', 'max'];
  // Build against this Node's own headers when they are on disk (no header download).
  const nodedir = path.resolve(path.dirname(process.execPath), '..');
  if (fs.existsSync(path.join(nodedir, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${nodedir}`);
  const started = Date.now();
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', env: process.env });
  if (r.status !== 0) {
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}`.trim();
    const errors = out.split('\n').filter((l) => /error|not found|No such/i.test(l));
    const tail = (errors.length ? errors : out.split('\n')).slice(-6).join('\n');
    return recordFailure(`the C++ build failed (node-gyp exit ${r.status}):\n${tail}`);
  }
  say(`built the addon from source in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

try {
  main();
} catch (e) {
  try {
    recordFailure(`the install step crashed: ${e?.message ? e.message : String(e)}`);
  } catch {
    say(`the install step crashed: ${String(e)}`);
  }
}
process.exitCode = 0;

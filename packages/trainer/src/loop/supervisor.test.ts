import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ACK_MESSAGE } from './supervisor.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../../../..');
const LOADER = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const MODULE = JSON.stringify(pathToFileURL(join(HERE, 'supervisor.ts')).href);
const SIGNALS = JSON.stringify(pathToFileURL(join(HERE, 'signals.ts')).href);
const DIR = mkdtempSync(join(tmpdir(), 'bigs-supervisor-'));

/**
 * A launcher + training child pair in miniature: the child announces "step N" and then blocks its thread for
 * `stepMs` per step (as a long synchronous tfjs step does), and stops between steps when asked.
 */
const SCRIPT = join(DIR, 'run.mts');
writeFileSync(
  SCRIPT,
  `import { fileURLToPath } from 'node:url';
import { attachToLauncher, runSupervised, shouldSupervise } from ${MODULE};
import { onStopSignals } from ${SIGNALS};
const stepMs = Number(process.argv[2]);
if (shouldSupervise()) {
  process.exitCode = await runSupervised({ script: fileURLToPath(import.meta.url), argv: process.argv.slice(2), graceMs: 500 });
} else {
  const release = attachToLauncher();
  let stop: string | null = null;
  const off = onStopSignals({ stop: (s) => { stop = s; }, message: (s) => s + ' handled in-process' });
  let code = 0;
  for (let step = 1; step <= 5; step++) {
    process.stdout.write('step ' + step + '\\n');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, stepMs);
    await new Promise((r) => setTimeout(r, 20)); // between steps: the event loop runs
    if (stop) { process.stdout.write('checkpoint ' + step + ', stopping\\n'); code = stop === 'SIGINT' ? 130 : 143; break; }
  }
  off();
  release();
  process.exitCode = code;
}
`,
);

interface Run {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  done: Promise<{ code: number | null; at: number }>;
  waitFor: (stream: 'out' | 'err', re: RegExp) => Promise<number>;
}

function start(stepMs: number, env: NodeJS.ProcessEnv = {}): Run {
  const child = spawn(process.execPath, ['--import', LOADER, SCRIPT, String(stepMs)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const text = { out: '', err: '' };
  const waiters: Array<{ stream: 'out' | 'err'; re: RegExp; res: (t: number) => void }> = [];
  const check = () => {
    for (const w of [...waiters]) {
      if (w.re.test(text[w.stream])) {
        waiters.splice(waiters.indexOf(w), 1);
        w.res(Date.now());
      }
    }
  };
  child.stdout!.on('data', (d: Buffer) => {
    text.out += d.toString();
    check();
  });
  child.stderr!.on('data', (d: Buffer) => {
    text.err += d.toString();
    check();
  });
  return {
    child,
    out: () => text.out,
    err: () => text.err,
    done: new Promise((res) => child.on('close', (code) => res({ code, at: Date.now() }))),
    waitFor: (stream, re) =>
      new Promise((res) => {
        waiters.push({ stream, re, res });
        check();
      }),
  };
}

describe('runSupervised: signals answered while the training child is blocked in a step', () => {
  it('acknowledges the first signal at once; a second one stops the busy child within the grace', async () => {
    const r = start(60_000); // each "step" blocks for a minute
    await r.waitFor('out', /step 1/);
    const t0 = Date.now();
    r.child.kill('SIGTERM');
    const ack = await r.waitFor('err', /SIGTERM received: stopping after this step/);
    expect(ack - t0).toBeLessThan(1000);
    expect(r.err()).toContain(ACK_MESSAGE);
    await new Promise((res) => setTimeout(res, 1200)); // past the launcher's relay window
    const t1 = Date.now();
    r.child.kill('SIGTERM');
    const { code, at } = await r.done;
    expect(code).toBe(143);
    expect(at - t1).toBeLessThan(3000);
    expect(r.err()).toMatch(/SIGTERM received again: stopping now/);
    expect(r.out()).not.toMatch(/checkpoint/);
  });

  it('the first request reaches the child: it finishes its step, checkpoints and exits 130', async () => {
    const r = start(1500);
    await r.waitFor('out', /step 1/);
    const t0 = Date.now();
    r.child.kill('SIGINT');
    r.child.kill('SIGINT'); // a relayed duplicate of the same Ctrl-C is the same request
    const ack = await r.waitFor('err', /SIGINT received: stopping after this step/);
    expect(ack - t0).toBeLessThan(1000);
    const { code } = await r.done;
    expect(code).toBe(130);
    expect(r.out()).toMatch(/step 1\ncheckpoint 1, stopping\n$/);
    expect(r.err().match(/received/g)).toHaveLength(1);
  });

  it('without a launcher (BIGS_NO_SUPERVISOR=1) the signal is only seen after the blocked step', async () => {
    const r = start(1500, { BIGS_NO_SUPERVISOR: '1' });
    await r.waitFor('out', /step 1/);
    const t0 = Date.now();
    r.child.kill('SIGTERM');
    const seen = await r.waitFor('err', /SIGTERM handled in-process/);
    expect(seen - t0).toBeGreaterThan(800);
    const { code } = await r.done;
    expect(code).toBe(143);
  });
});

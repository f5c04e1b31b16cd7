/**
 * Signals during a long step (issue 12, item 5), end to end: the app is spawned as `pnpm pretrain` runs it (tsx,
 * source condition), and the step is made long with the `step` fault point (the training thread blocks for the
 * given time, as a long synchronous tfjs step does). The first signal must be answered at once, a second one must
 * end the run within seconds, and the last complete checkpoint must resume to the uninterrupted run's losses.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../../..');
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const MAIN = join(HERE, 'main.ts');
const WORK = mkdtempSync(join(tmpdir(), 'pretrain-signals-'));
const MODEL_CONFIG = join(WORK, 'model.json');
const ACK = 'stopping after this step: checkpoint, then exit; signal again to stop now';

/** 6 steps of a 1-layer H=64 BiGS at L=64 (dropout on), a checkpoint every 2 steps. */
const args = (out: string) => [
  '--model-config',
  MODEL_CONFIG,
  '--output-dir',
  out,
  '--max-seq-length',
  '64',
  '--per-device-train-batch-size',
  '4',
  '--max-steps',
  '6',
  '--save-steps',
  '2',
  '--save-total-limit',
  '0',
  '--logging-steps',
  '1',
  '--eval-steps',
  '0',
  '--max-eval-samples',
  '8',
  '--learning-rate',
  '5e-3',
  '--warmup-steps',
  '2',
  '--backend',
  'wasm',
  '--threads',
  '1',
];

interface Run {
  child: ChildProcess;
  stderr: () => string;
  /** Resolves with the time the pattern first appears on stderr. */
  waitFor: (re: RegExp) => Promise<number>;
  done: Promise<{ code: number | null; at: number }>;
}

function start(out: string, faultPoints?: string): Run {
  const env = { ...process.env };
  delete env.INIT_CWD;
  if (faultPoints) env.BIGS_FAULT_POINTS = faultPoints;
  const child = spawn(process.execPath, [TSX, '--conditions=@bigs/source', MAIN, ...args(out)], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let text = '';
  let closed = false;
  const waiters: Array<{ re: RegExp; res: (t: number) => void; rej: (e: Error) => void }> = [];
  child.stderr!.on('data', (d: Buffer) => {
    text += d.toString();
    for (const w of [...waiters]) {
      if (w.re.test(text)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.res(Date.now());
      }
    }
  });
  return {
    child,
    stderr: () => text,
    waitFor: (re) =>
      new Promise((res, rej) => {
        if (re.test(text)) res(Date.now());
        else if (closed) rej(new Error(`the run ended without printing ${re}:\n${text}`));
        else waiters.push({ re, res, rej });
      }),
    done: new Promise((res) =>
      child.on('close', (code) => {
        closed = true;
        for (const w of waiters.splice(0))
          w.rej(new Error(`the run ended (${code}) without printing ${w.re}:\n${text}`));
        res({ code, at: Date.now() });
      }),
    ),
  };
}

const losses = (dir: string) =>
  readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, number>)
    .filter((r) => typeof r.loss === 'number')
    .map((r) => [r.step, r.loss] as [number, number]);

const checkpoints = (dir: string) =>
  readdirSync(dir)
    .filter((d) => d.startsWith('checkpoint-'))
    .sort();

function expectSameLosses(dir: string, reference: Array<[number, number]>): void {
  const got = losses(dir);
  expect(got.map(([s]) => s)).toEqual(reference.map(([s]) => s));
  got.forEach(([s, v], i) => {
    expect(Math.abs(v - reference[i]![1]), `step ${s}`).toBeLessThanOrEqual(1e-5 * Math.abs(v));
  });
}

let reference: Array<[number, number]>;

beforeAll(async () => {
  writeFileSync(
    MODEL_CONFIG,
    JSON.stringify({
      hidden_size: 64,
      num_hidden_layers: 1,
      intermediate_size: 128,
      type_vocab_size: 2,
      num_ssm: 8,
      hidden_dropout_prob: 0.1,
    }),
  );
  const u = join(WORK, 'uninterrupted');
  const r = start(u);
  const { code } = await r.done;
  expect(code, r.stderr()).toBe(0);
  reference = losses(u);
  expect(reference.map(([s]) => s)).toEqual([1, 2, 3, 4, 5, 6]);
});

afterAll(() => {
  rmSync(WORK, { recursive: true, force: true });
});

describe('pnpm pretrain: signals during a long step', () => {
  it('answers the first SIGTERM at once, stops within seconds on the second, and resumes exactly', async () => {
    const out = join(WORK, 'twice');
    const r = start(out, 'step@4:120000'); // step 4 blocks the training thread for 2 minutes
    await r.waitFor(/\[fault-point\] step step=4/);
    const t0 = Date.now();
    r.child.kill('SIGTERM');
    const ack = await r.waitFor(/SIGTERM received: stopping after this step/);
    expect(ack - t0, r.stderr()).toBeLessThan(1000);
    expect(r.stderr()).toContain(`SIGTERM received: ${ACK}`);
    await new Promise((res) => setTimeout(res, 1500));
    const t1 = Date.now();
    r.child.kill('SIGTERM');
    const { code, at } = await r.done;
    expect(code, r.stderr()).toBe(143);
    expect(at - t1).toBeLessThan(5000);
    expect(r.stderr()).toMatch(/SIGTERM received again: stopping now/);
    // Step 4 never finished: the last complete checkpoint is checkpoint-2, whole, and nothing else is published.
    expect(checkpoints(out)).toEqual(['checkpoint-2']);
    for (const f of ['model.safetensors', 'optimizer.safetensors', 'trainer_state.json', 'config.json'])
      expect(existsSync(join(out, 'checkpoint-2', f)), f).toBe(true);

    const again = start(out); // the same command resumes from checkpoint-2
    const second = await again.done;
    expect(second.code, again.stderr()).toBe(0);
    expect(again.stderr()).toMatch(/checkpoint detected, resuming from .*checkpoint-2/);
    expectSameLosses(out, reference);
  });

  it('after the acknowledged SIGINT the step finishes, a checkpoint is saved, exit 130; the run resumes exactly', async () => {
    const out = join(WORK, 'once');
    const r = start(out, 'step@3:3000');
    await r.waitFor(/\[fault-point\] step step=3/);
    const t0 = Date.now();
    r.child.kill('SIGINT');
    const ack = await r.waitFor(/SIGINT received: stopping after this step/);
    expect(ack - t0, r.stderr()).toBeLessThan(1000);
    const { code } = await r.done;
    expect(code, r.stderr()).toBe(130);
    expect(checkpoints(out)).toEqual(['checkpoint-2', 'checkpoint-3']);
    const again = start(out);
    const second = await again.done;
    expect(second.code, again.stderr()).toBe(0);
    expectSameLosses(out, reference);
  });
});

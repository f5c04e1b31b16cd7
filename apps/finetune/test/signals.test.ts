/**
 * Signals during a long step (issue 12, item 5), end to end: `pnpm finetune` is spawned as the root script runs
 * it (tsx, source condition); the `step` fault point blocks the training thread as a long tfjs step does.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initEngine } from '@bigs/ssm-kernels';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeTinyModelDir, tempDir } from './helpers.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../../..');
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const MAIN = resolve(HERE, '../src/main.ts');

interface Run {
  child: ChildProcess;
  stderr: () => string;
  waitFor: (re: RegExp) => Promise<number>;
  done: Promise<{ code: number | null; at: number }>;
}

function start(model: string, out: string, faultPoints: string): Run {
  const env: NodeJS.ProcessEnv = { ...process.env, BIGS_FAULT_POINTS: faultPoints, BIGS_THREADS: '1' };
  delete env.INIT_CWD;
  const args = ['--model-name-or-path', model, '--output-dir', out, '--backend', 'wasm'];
  args.push('--progress', 'none', '--max-train-samples', '40', '--max-eval-samples', '8', '--max-steps', '4');
  const child = spawn(process.execPath, [TSX, '--conditions=@bigs/source', MAIN, ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let text = '';
  const waiters: Array<{ re: RegExp; res: (t: number) => void }> = [];
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
      new Promise((res) => {
        if (re.test(text)) res(Date.now());
        else waiters.push({ re, res });
      }),
    done: new Promise((res) => child.on('close', (code) => res({ code, at: Date.now() }))),
  };
}

describe('pnpm finetune: signals during a long step', () => {
  let model: string;
  beforeAll(async () => {
    await initEngine({ backend: 'cpu', quiet: true });
    model = await makeTinyModelDir();
  });

  it('answers SIGTERM at once while a step blocks; a second SIGTERM ends the run within seconds', async () => {
    const r = start(model, tempDir(), 'step@2:120000');
    await r.waitFor(/\[fault-point\] step step=2/);
    const t0 = Date.now();
    r.child.kill('SIGTERM');
    const ack = await r.waitFor(
      /SIGTERM received: stopping after this step: checkpoint, then exit; signal again to stop now/,
    );
    expect(ack - t0, r.stderr()).toBeLessThan(1000);
    await new Promise((res) => setTimeout(res, 1500));
    const t1 = Date.now();
    r.child.kill('SIGTERM');
    const { code, at } = await r.done;
    expect(code, r.stderr()).toBe(143);
    expect(at - t1).toBeLessThan(5000);
  });

  it('after one signal the step finishes, a checkpoint is saved and the exit code is 143', async () => {
    const out = tempDir();
    const r = start(model, out, 'step@2:2500');
    await r.waitFor(/\[fault-point\] step step=2/);
    const t0 = Date.now();
    r.child.kill('SIGTERM');
    const ack = await r.waitFor(/SIGTERM received: stopping after this step/);
    expect(ack - t0, r.stderr()).toBeLessThan(1000);
    const { code } = await r.done;
    expect(code, r.stderr()).toBe(143);
    expect(r.stderr()).toMatch(/stopped by SIGTERM at step 2; checkpoint: .*checkpoint-2/);
    expect(readdirSync(out).filter((d) => d.startsWith('checkpoint-'))).toEqual(['checkpoint-2']);
    expect(existsSync(join(out, 'checkpoint-2', 'trainer_state.json'))).toBe(true);
  });
});

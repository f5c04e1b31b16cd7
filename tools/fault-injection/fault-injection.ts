/**
 * Fault injection for `pnpm pretrain` (issue 12): run a tiny pretraining with checkpoints, `kill -9` it at random
 * moments — during a checkpoint write, just before a checkpoint is published, during pruning, in the middle of a
 * step, or at an arbitrary time — resume with the same command, and repeat; at the end of every trial compare the
 * final model weights (byte for byte) and `metrics.jsonl` (every deterministic field, exactly) with an
 * uninterrupted run. Prints the cycles run and every divergence. See README.md.
 *
 *   npx tsx tools/fault-injection/fault-injection.ts [--cycles N] [--minutes M] [--seed S] [--work DIR] [--keep]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const MAIN = join(ROOT, 'apps', 'pretrain', 'src', 'main.ts');

/** Where a kill lands. The fault points (`BIGS_FAULT_POINTS`, see @bigs/trainer) hold each window open. */
const TARGETS = ['checkpoint-write', 'checkpoint-publish', 'prune', 'step', 'anytime'] as const;
type Target = (typeof TARGETS)[number];
/** How long each fault point holds (ms): the kill lands at a random moment inside. */
const WINDOW_MS = 120;
/** Metrics fields that depend on wall-clock time (not compared). */
const TIMING_FIELDS = new Set(['tokens_per_second', 'mfu', 'elapsed_seconds']);

interface Options {
  cycles: number;
  minutes: number;
  seed: number;
  work: string | null;
  keep: boolean;
  steps: number;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    cycles: 20,
    minutes: Number.POSITIVE_INFINITY,
    seed: Date.now() % 1e9,
    work: null,
    keep: false,
    steps: 12,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    const int = (name: string, v: string, min: number) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < min)
        throw new Error(`${name} must be an integer >= ${min}, got "${v}"`);
      return n;
    };
    if (a === '--cycles') o.cycles = int(a, value(), 1);
    else if (a === '--minutes') {
      const v = value();
      o.minutes = Number(v);
      if (!(o.minutes > 0)) throw new Error(`--minutes must be > 0, got "${v}"`);
      if (!argv.includes('--cycles')) o.cycles = Number.MAX_SAFE_INTEGER;
    } else if (a === '--seed') o.seed = int(a, value(), 0);
    else if (a === '--steps') o.steps = int(a, value(), 4);
    else if (a === '--work') o.work = value();
    else if (a === '--keep') o.keep = true;
    else if (a === '--help' || a === '-h') {
      process.stdout.write(
        'usage: npx tsx tools/fault-injection/fault-injection.ts [--cycles N] [--minutes M] [--seed S] [--steps N] [--work DIR] [--keep]\n',
      );
      process.exit(0);
    } else throw new Error(`unknown argument "${a}" (see --help)`);
  }
  return o;
}

/** mulberry32: the tool's own seeded randomness (so a failing sequence can be replayed with --seed). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A tiny BiGS (dropout on, so resume must replay dropout masks), single-threaded wasm (deterministic). */
function pretrainArgs(out: string, modelConfig: string, steps: number): string[] {
  return [
    ...['--model-config', modelConfig, '--output-dir', out, '--max-seq-length', '32'],
    ...['--per-device-train-batch-size', '2', '--max-steps', String(steps), '--save-steps', '2'],
    ...['--save-total-limit', '2', '--logging-steps', '1', '--eval-steps', String(Math.max(2, steps >> 1))],
    ...['--max-eval-samples', '8', '--learning-rate', '5e-3', '--warmup-steps', '2'],
    ...['--backend', 'wasm', '--threads', '1'],
  ];
}

interface Launch {
  child: ChildProcess;
  stderr: () => string;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The run in progress (its own process group): killed when the tool itself is interrupted. */
let current: ChildProcess | null = null;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (current) killGroup(current);
    process.exit(sig === 'SIGINT' ? 130 : 143);
  });
}

/** Start `pnpm pretrain` as the root script runs it, in its own process group (so `kill -9` reaches all of it). */
function launch(args: string[], faultPoints: string | null, onLine?: (line: string) => void): Launch {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.INIT_CWD;
  if (faultPoints) env.BIGS_FAULT_POINTS = faultPoints;
  else delete env.BIGS_FAULT_POINTS;
  const child = spawn(process.execPath, [TSX, '--conditions=@bigs/source', MAIN, ...args], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  current = child;
  let text = '';
  let partial = '';
  child.stderr!.on('data', (d: Buffer) => {
    const s = d.toString();
    text += s;
    partial += s;
    const lines = partial.split('\n');
    partial = lines.pop()!;
    for (const l of lines) onLine?.(l);
  });
  return {
    child,
    stderr: () => text,
    done: new Promise((res) => child.on('close', (code, signal) => res({ code, signal }))),
  };
}

function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
}

type MetricsLine = Record<string, unknown>;

function readMetricsFile(dir: string): MetricsLine[] {
  const p = join(dir, 'metrics.jsonl');
  if (!existsSync(p)) return [];
  return readFileSync(p, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as MetricsLine);
}

/** Differences between a run's outputs and the reference run's (empty: identical where resume is exact). */
function compare(dir: string, ref: string): string[] {
  const out: string[] = [];
  const a = join(ref, 'model.safetensors');
  const b = join(dir, 'model.safetensors');
  if (!existsSync(b)) out.push('model.safetensors missing');
  else if (!readFileSync(a).equals(readFileSync(b)))
    out.push('model.safetensors differs from the uninterrupted run');
  const ma = readMetricsFile(ref);
  const mb = readMetricsFile(dir);
  if (ma.length !== mb.length) {
    out.push(
      `metrics.jsonl has ${mb.length} lines, the uninterrupted run ${ma.length} (steps ${mb.map((r) => r.step).join(',')})`,
    );
  } else {
    ma.forEach((ra, i) => {
      const rb = mb[i]!;
      const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
      for (const k of keys) {
        if (TIMING_FIELDS.has(k)) continue;
        if (JSON.stringify(ra[k]) !== JSON.stringify(rb[k])) {
          out.push(
            `metrics.jsonl line ${i + 1} (step ${String(ra.step)}): ${k} ${String(rb[k])} ≠ ${String(ra[k])}`,
          );
        }
      }
    });
  }
  const ckpts = readdirSync(dir).filter((n) => /^checkpoint-\d+$/.test(n));
  for (const c of ckpts) {
    for (const f of ['model.safetensors', 'optimizer.safetensors', 'trainer_state.json', 'config.json']) {
      if (!existsSync(join(dir, c, f))) out.push(`published ${c} lacks ${f}`);
    }
  }
  const hidden = readdirSync(dir).filter((n) => n.startsWith('.'));
  if (hidden.length > 0) out.push(`leftover hidden entries after a clean finish: ${hidden.join(', ')}`);
  return out;
}

/** Check the state a kill left behind: every published checkpoint complete. */
function checkAfterKill(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const c of readdirSync(dir).filter((n) => /^checkpoint-\d+$/.test(n))) {
    for (const f of ['model.safetensors', 'optimizer.safetensors', 'trainer_state.json', 'config.json']) {
      if (!existsSync(join(dir, c, f))) out.push(`after the kill, published ${c} lacks ${f}`);
    }
  }
  return out;
}

interface KillPlan {
  target: Target;
  /** Kill at the n-th announcement of the fault point (1-based), or after `afterMs` for 'anytime'. */
  occurrence: number;
  delayMs: number;
}

function planKill(random: () => number, steps: number, runMs: number): KillPlan {
  const target = TARGETS[Math.floor(random() * TARGETS.length)]!;
  const maxOcc =
    target === 'step' ? steps : target === 'prune' ? Math.max(1, steps / 2 - 2) : Math.max(1, steps / 2);
  return {
    target,
    occurrence: 1 + Math.floor(random() * maxOcc),
    delayMs: target === 'anytime' ? Math.floor(random() * runMs) : Math.floor(random() * WINDOW_MS),
  };
}

/** One run that is killed as planned (or finishes first). Resolves with whether the kill happened. */
async function runAndKill(
  args: string[],
  plan: KillPlan,
): Promise<{ killed: boolean; code: number | null; err: string }> {
  const points = `checkpoint-write:${WINDOW_MS},checkpoint-publish:${WINDOW_MS},prune:${WINDOW_MS},step:${WINDOW_MS}`;
  let seen = 0;
  let killed = false;
  let timer: NodeJS.Timeout | null = null;
  const fire = (l: Launch) => {
    if (killed) return;
    timer = setTimeout(() => {
      killed = true;
      killGroup(l.child);
    }, plan.delayMs);
  };
  const l: Launch = launch(args, plan.target === 'anytime' ? null : points, (line) => {
    if (plan.target === 'anytime' || timer) return;
    if (line.startsWith(`[fault-point] ${plan.target} `) && ++seen === plan.occurrence) fire(l);
  });
  if (plan.target === 'anytime') fire(l);
  const { code } = await l.done;
  if (timer) clearTimeout(timer);
  return { killed, code, err: l.stderr() };
}

async function main(): Promise<number> {
  const o = parseArgs(process.argv.slice(2));
  const work = o.work ? resolve(o.work) : mkdtempSync(join(tmpdir(), 'bigs-fault-injection-'));
  mkdirSync(work, { recursive: true });
  const modelConfig = join(work, 'model.json');
  writeFileSync(
    modelConfig,
    JSON.stringify({
      hidden_size: 32,
      num_hidden_layers: 1,
      intermediate_size: 64,
      type_vocab_size: 2,
      num_ssm: 4,
      hidden_dropout_prob: 0.1,
    }),
  );
  const deadline = Date.now() + o.minutes * 60_000;
  const random = rng(o.seed);
  const log = (s: string) => process.stdout.write(`${s}\n`);
  log(`fault injection: seed ${o.seed}, ${o.steps} steps per run, work dir ${work}`);

  // --- the uninterrupted reference
  const ref = join(work, 'reference');
  const t0 = Date.now();
  const r = launch(pretrainArgs(ref, modelConfig, o.steps), null);
  const rr = await r.done;
  if (rr.code !== 0) {
    log(`the uninterrupted run failed (exit ${rr.code}):\n${r.stderr()}`);
    return 2;
  }
  // The span an 'anytime' kill is drawn from: the shortest complete run seen so far (a loaded machine slows the
  // reference; too long a span makes most 'anytime' kills land after the run ended).
  let runMs = Date.now() - t0;
  log(`uninterrupted run: ${(runMs / 1000).toFixed(1)} s`);

  let cycles = 0;
  let trials = 0;
  let missed = 0;
  const divergences: string[] = [];
  const byTarget: Record<string, number> = {};
  while (cycles < o.cycles && Date.now() < deadline) {
    trials += 1;
    const dir = join(work, `trial-${trials}`);
    rmSync(dir, { recursive: true, force: true });
    const args = pretrainArgs(dir, modelConfig, o.steps);
    // 1–3 kills per trial, each followed by a resume (the next launch resumes from the latest checkpoint).
    const kills = 1 + Math.floor(random() * 3);
    const trialNotes: string[] = [];
    for (let k = 0; k < kills && cycles < o.cycles && Date.now() < deadline; k++) {
      const plan = planKill(random, o.steps, runMs);
      const res = await runAndKill(args, plan);
      if (!res.killed) {
        missed += 1; // the run ended before the planned moment (e.g. it resumed past it)
        if (res.code !== 0) trialNotes.push(`run without kill exited ${res.code}: ${lastLines(res.err)}`);
        break;
      }
      cycles += 1;
      byTarget[plan.target] = (byTarget[plan.target] ?? 0) + 1;
      trialNotes.push(...checkAfterKill(dir).map((d) => `${d} (kill ${plan.target}#${plan.occurrence})`));
    }
    // Resume to the end.
    const tFin = Date.now();
    const fin = launch(args, null);
    const fr = await fin.done;
    if (fr.code === 0) runMs = Math.min(runMs, Date.now() - tFin);
    if (fr.code !== 0) trialNotes.push(`the resumed run exited ${fr.code}: ${lastLines(fin.stderr())}`);
    else trialNotes.push(...compare(dir, ref));
    if (trialNotes.length > 0) {
      divergences.push(...trialNotes.map((n) => `trial ${trials}: ${n}`));
      log(`trial ${trials}: DIVERGED\n  ${trialNotes.join('\n  ')}`);
    } else {
      log(`trial ${trials}: ok (${cycles} kill/resume cycles so far)`);
      if (!o.keep) rmSync(dir, { recursive: true, force: true });
    }
  }
  log(
    `\nfault injection: ${cycles} kill/resume cycles in ${trials} trials (${Object.entries(byTarget)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}; ${missed} planned kills came after the run ended), seed ${o.seed}`,
  );
  log(`divergences: ${divergences.length}`);
  for (const d of divergences) log(`  ${d}`);
  if (!o.keep && !o.work && divergences.length === 0) rmSync(work, { recursive: true, force: true });
  return divergences.length === 0 ? 0 : 1;
}

function lastLines(text: string, n = 4): string {
  return text.trimEnd().split('\n').slice(-n).join(' | ');
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`fault-injection: error: ${(e as Error).message}\n`);
    process.exitCode = 2;
  },
);

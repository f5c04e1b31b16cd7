/**
 * Fault-injection points (tests and `tools/fault-injection` only). With the environment variable
 * `BIGS_FAULT_POINTS` unset (the normal case) every call returns at once and costs one property read.
 *
 * `BIGS_FAULT_POINTS="point[@fromStep]:ms,…"` makes each named point announce itself on stderr as
 * `[fault-point] <point> step=<n>` and then wait `ms` milliseconds — a synchronous wait that blocks the JS thread for
 * {@link faultPointSync} (as a long tfjs step blocks the JS thread), an asynchronous sleep for {@link faultPoint}.
 * With `@fromStep`, only at steps >= fromStep. A test or the fault-injection tool reads the announcement and
 * sends its signal or `kill -9` inside the window. Points:
 *
 * - `step` (sync): inside an optimizer step, after the gradients, before the update (step = the step running).
 * - `checkpoint-write`: inside the hidden temporary of a checkpoint, after the model files, before the optimizer
 *   and trainer state (step = the checkpoint's step).
 * - `checkpoint-publish`: the temporary is complete and fsynced, before the rename that publishes it.
 * - `prune`: a pruned checkpoint was renamed to its hidden `.deleting-` name, before it is removed.
 *
 * @example
 * // BIGS_FAULT_POINTS="step@3:5000,prune:300"
 * faultPointSync('step', 3); // prints "[fault-point] step step=3", then blocks 5 s
 */
export const FAULT_POINTS_ENV = 'BIGS_FAULT_POINTS';

interface PointSpec {
  fromStep: number;
  ms: number;
}

let parsed: { raw: string; points: Map<string, PointSpec> } | null = null;

function specOf(name: string, step: number): PointSpec | null {
  const raw = process.env[FAULT_POINTS_ENV];
  if (!raw) return null;
  if (parsed?.raw !== raw) {
    const points = new Map<string, PointSpec>();
    for (const part of raw.split(',')) {
      const m = /^\s*([a-z-]+)(?:@(\d+))?:(\d+)\s*$/.exec(part);
      if (!m) {
        throw new Error(
          `${FAULT_POINTS_ENV}: expected "point[@fromStep]:ms" entries separated by commas, got "${part}"`,
        );
      }
      points.set(m[1]!, { fromStep: m[2] === undefined ? 0 : Number(m[2]), ms: Number(m[3]) });
    }
    parsed = { raw, points };
  }
  const p = parsed.points.get(name);
  return p && step >= p.fromStep ? p : null;
}

function announce(name: string, step: number): void {
  process.stderr.write(`[fault-point] ${name} step=${step}\n`);
}

/**
 * An asynchronous fault point (see the module doc).
 *
 * @example
 * await faultPoint('prune', 4); // with BIGS_FAULT_POINTS="prune:300": announces, then sleeps 300 ms
 */
export async function faultPoint(name: string, step: number): Promise<void> {
  const p = specOf(name, step);
  if (!p) return;
  announce(name, step);
  await new Promise((r) => setTimeout(r, p.ms));
}

/**
 * A synchronous fault point: blocks the JS thread for the configured time, as a long tfjs step does.
 *
 * @example
 * faultPointSync('step', 3); // with BIGS_FAULT_POINTS="step@3:5000": announces, then blocks 5 s
 */
export function faultPointSync(name: string, step: number): void {
  const p = specOf(name, step);
  if (!p) return;
  announce(name, step);
  // Blocks the thread without spinning: signal handlers cannot run, exactly as during a long synchronous kernel.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, p.ms);
}

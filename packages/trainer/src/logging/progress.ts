/** How progress is shown: a redrawn bar (TTY), one plain line per logged step, or nothing. */
export type ProgressMode = 'auto' | 'bar' | 'lines' | 'none';

/** What the reporter shows for one step. */
export interface ProgressInfo {
  step: number;
  loss?: number;
  learningRate?: number;
  gradNorm?: number;
  tokensPerSecond?: number;
  mfu?: number | null;
}

/** Minimal writable stream (process.stderr or a test double). */
export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/**
 * Progress display on stderr: on a TTY a single redrawn line
 * `[#####.....] 120/1000 12% loss 2.345 | 1,234 tok/s | ETA 1h02m`, otherwise plain lines at logging steps.
 * `auto` picks `bar` when `stream.isTTY` is true, else `lines`.
 *
 * @example
 * const p = new ProgressReporter({ total: 1000, startStep: 0 });
 * p.update({ step: 1, loss: 3.2, tokensPerSecond: 700 }); // redraws the bar (TTY only)
 * p.line({ step: 100, loss: 2.1 });                        // plain line (non-TTY) / printed above the bar
 */
export class ProgressReporter {
  readonly mode: 'bar' | 'lines' | 'none';
  private readonly stream: ProgressStream;
  private readonly total: number;
  private readonly startStep: number;
  private readonly startTime = Date.now();
  private lastDraw = 0;
  private last: ProgressInfo | null = null;

  constructor(options: { total: number; startStep?: number; mode?: ProgressMode; stream?: ProgressStream }) {
    this.stream = options.stream ?? process.stderr;
    this.total = options.total;
    this.startStep = options.startStep ?? 0;
    const mode = options.mode ?? 'auto';
    this.mode = mode === 'auto' ? (this.stream.isTTY ? 'bar' : 'lines') : mode;
  }

  /** Called after every optimizer step; redraws the bar at most every 100 ms. */
  update(info: ProgressInfo): void {
    this.last = { ...this.last, ...info };
    if (this.mode !== 'bar') return;
    const now = Date.now();
    if (now - this.lastDraw < 100 && info.step < this.total) return;
    this.lastDraw = now;
    this.stream.write(`\r${this.barText(info.step)}\x1b[K`);
  }

  /** A logged step: a plain line (lines mode) or a line printed above the bar (bar mode). */
  line(info: ProgressInfo & Record<string, unknown>, extra = ''): void {
    if (this.mode === 'none') return;
    const text = formatLine(info, this.total, this.eta(info.step)) + extra;
    if (this.mode === 'lines') this.stream.write(`${text}\n`);
    else this.stream.write(`\r\x1b[K${text}\n${this.barText(info.step)}`);
  }

  /** Free-form message (e.g. "saved checkpoint-100"). */
  message(text: string): void {
    if (this.mode === 'none') return;
    if (this.mode === 'lines') this.stream.write(`${text}\n`);
    else this.stream.write(`\r\x1b[K${text}\n${this.last ? this.barText(this.last.step) : ''}`);
  }

  /** Finish the bar line. */
  done(): void {
    if (this.mode === 'bar') this.stream.write('\n');
  }

  private eta(step: number): string {
    const done = step - this.startStep;
    if (done <= 0) return '?';
    const perStep = (Date.now() - this.startTime) / 1000 / done;
    return formatDuration(perStep * Math.max(0, this.total - step));
  }

  private barText(step: number): string {
    const width = 24;
    const frac = this.total > 0 ? Math.min(1, step / this.total) : 0;
    const filled = Math.round(frac * width);
    const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
    const l = this.last;
    const parts = [`[${bar}] ${step}/${this.total} ${(frac * 100).toFixed(0)}%`];
    if (l?.loss !== undefined) parts.push(`loss ${fmt(l.loss)}`);
    if (l?.tokensPerSecond !== undefined)
      parts.push(`${Math.round(l.tokensPerSecond).toLocaleString('en-US')} tok/s`);
    parts.push(`ETA ${this.eta(step)}`);
    return parts.join(' | ');
  }
}

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toFixed(4) : String(x);
}

function formatLine(info: ProgressInfo & Record<string, unknown>, total: number, eta: string): string {
  const parts = [`step ${info.step}/${total}`];
  if (info.loss !== undefined) parts.push(`loss ${fmt(info.loss)}`);
  if (info.learningRate !== undefined) parts.push(`lr ${info.learningRate.toExponential(3)}`);
  if (info.gradNorm !== undefined) parts.push(`grad_norm ${fmt(info.gradNorm)}`);
  if (info.tokensPerSecond !== undefined) parts.push(`${Math.round(info.tokensPerSecond)} tok/s`);
  if (info.mfu !== undefined && info.mfu !== null) parts.push(`mfu ${(info.mfu * 100).toFixed(2)}%`);
  parts.push(`eta ${eta}`);
  return parts.join(' | ');
}

/**
 * `3725` → `1h02m`, `75` → `1m15s`, `9.5` → `10s`.
 *
 * @example
 * formatDuration(3725); // '1h02m'
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { renderLossCurveSvg, writeLossCurveSvg } from './loss-curve-svg.js';
import { MetricsLog, readMetrics } from './metrics-log.js';
import { formatDuration, ProgressReporter } from './progress.js';

/** Parse with a real XML parser; returns element names in document order. */
function parseXml(xml: string): string[] {
  const names: string[] = [];
  const parser = new SaxesParser({ xmlns: true });
  parser.on('error', (e) => {
    throw e;
  });
  parser.on('opentag', (t) => names.push(t.local));
  parser.write(xml).close();
  return names;
}

describe('metrics.jsonl', () => {
  it('appends one JSON object per line, writes non-finite numbers as null, truncates on reopen', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bigs-metrics-'));
    const path = join(dir, 'metrics.jsonl');
    const log = MetricsLog.open(path, { keepUpToStep: 0 });
    for (let s = 1; s <= 6; s++) log.append({ step: s, loss: 1 / s });
    log.append({ step: 7, loss: Number.NaN });
    writeFileSync(path, `${readFileSync(path, 'utf8')}{"step": 8, "lo`); // crash mid-line
    expect(readMetrics(path).map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(readMetrics(path)[6]!.loss).toBeNull();
    MetricsLog.open(path, { keepUpToStep: 4 });
    const text = readFileSync(path, 'utf8');
    expect(text.trim().split('\n').length).toBe(4);
    expect(readMetrics(path).map((r) => r.step)).toEqual([1, 2, 3, 4]);
    MetricsLog.open(path, { keepUpToStep: 0 });
    expect(readFileSync(path, 'utf8')).toBe('');
  });
});

describe('loss curve SVG', () => {
  it('renders well-formed SVG with axes, ticks, labels and both curves', () => {
    const recs = Array.from({ length: 50 }, (_, i) => ({
      step: (i + 1) * 10,
      loss: 5 * Math.exp(-i / 15) + 1,
      ...(i % 10 === 9 ? { eval_loss: 5 * Math.exp(-i / 15) + 1.2 } : {}),
    }));
    const svg = renderLossCurveSvg(recs, { title: 'run <a> & "b"' });
    const names = parseXml(svg);
    expect(names[0]).toBe('svg');
    expect(names.filter((n) => n === 'polyline').length).toBe(2);
    expect(names.filter((n) => n === 'circle').length).toBe(5);
    expect(svg).toContain('>step</text>');
    expect(svg).toContain('run &lt;a&gt; &amp; &quot;b&quot;');
    expect(svg).toContain('>500</text>');
  });

  it('writes from a metrics file, and copes with an empty or single-point file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bigs-svg-'));
    const path = join(dir, 'metrics.jsonl');
    writeFileSync(path, '');
    writeLossCurveSvg(path, join(dir, 'empty.svg'));
    const empty = readFileSync(join(dir, 'empty.svg'), 'utf8');
    expect(parseXml(empty)[0]).toBe('svg');
    expect(empty).toContain('>no data</text>');
    writeFileSync(path, '{"step":1,"loss":2}\n');
    writeLossCurveSvg(path, join(dir, 'one.svg'));
    expect(readFileSync(join(dir, 'one.svg'), 'utf8')).not.toContain('NaN');
  });
});

describe('progress', () => {
  it('prints plain lines when not a TTY and a redrawn bar on a TTY', () => {
    let out = '';
    const plain = new ProgressReporter({
      total: 100,
      stream: { write: (s: string) => (out += s), isTTY: false },
    });
    expect(plain.mode).toBe('lines');
    plain.update({ step: 1, loss: 2 });
    expect(out).toBe('');
    plain.line({ step: 10, loss: 2.5, learningRate: 1e-4, tokensPerSecond: 1234.4, mfu: 0.1234 });
    expect(out).toMatch(
      /^step 10\/100 \| loss 2\.5000 \| lr 1\.000e-4 \| 1234 tok\/s \| mfu 12\.34% \| eta \S+\n$/,
    );
    let tty = '';
    const bar = new ProgressReporter({
      total: 10,
      stream: { write: (s: string) => (tty += s), isTTY: true },
    });
    expect(bar.mode).toBe('bar');
    bar.update({ step: 10, loss: 1.5, tokensPerSecond: 2000 });
    expect(tty).toContain('[########################] 10/10 100% | loss 1.5000 | 2,000 tok/s | ETA');
    expect(formatDuration(3725)).toBe('1h02m');
    expect(formatDuration(75)).toBe('1m15s');
  });
});

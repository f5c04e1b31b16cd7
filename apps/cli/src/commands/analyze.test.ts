import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConfig, createModel, savePretrained, TINY } from '@bigs/models';
import { initEngine } from '@bigs/ssm-kernels';
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnCli } from '../test-helpers.js';

/** SVG well-formedness is tested with an XML parser in @bigs/analysis; here: a complete root element. */
function wellFormed(xml: string): void {
  expect(xml.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  expect(xml.trimEnd().endsWith('</svg>')).toBe(true);
}

const VOCAB = [
  '[PAD]',
  '[UNK]',
  '[CLS]',
  '[SEP]',
  '[MASK]',
  'the',
  'a',
  'dog',
  'cat',
  'runs',
  'sleeps',
  'big',
  'small',
  '.',
];

function conllu(n: number): string {
  const out: string[] = [];
  for (let s = 0; s < n; s++) {
    const w = [
      s % 2 ? 'the' : 'a',
      s % 3 ? 'big' : 'small',
      s % 2 ? 'dog' : 'cat',
      s % 3 ? 'runs' : 'sleeps',
      '.',
    ];
    const upos = ['DET', 'ADJ', 'NOUN', 'VERB', 'PUNCT'];
    const head = [3, 3, 4, 0, 4];
    out.push(`# sent_id = ${s + 1}`, '1-2\tab\t_\t_\t_\t_\t_\t_\t_\t_');
    for (let i = 0; i < 5; i++)
      out.push(`${i + 1}\t${w[i]}\t${w[i]}\t${upos[i]}\t_\t_\t${head[i]}\tdep\t_\t_`);
    out.push('');
  }
  return out.join('\n');
}

let dir = '';
beforeAll(async () => {
  await initEngine({ backend: 'cpu', threads: 1, quiet: true });
  dir = mkdtempSync(join(tmpdir(), 'bigs-analyze-'));
  const bigs = createModel(createConfig({ ...TINY, vocabSize: 20 }), 'masked-lm', { seed: 1 });
  await savePretrained(bigs, join(dir, 'bigs'), { tokenizerFiles: { 'vocab.txt': `${VOCAB.join('\n')}\n` } });
  bigs.dispose();
  const bert = createModel(
    createConfig({
      ...TINY,
      vocabSize: 20,
      blockArchitecture: 'stack',
      routing: 'attention',
      preNorm: false,
      modelType: 'bert',
    }),
    'masked-lm',
    { seed: 2 },
  );
  await savePretrained(bert, join(dir, 'bert'), { tokenizerFiles: { 'vocab.txt': `${VOCAB.join('\n')}\n` } });
  bert.dispose();
  writeFileSync(join(dir, 'tb.conllu'), conllu(10));
});

describe('bigs analyze run (spawned)', () => {
  it('BiGS: writes kernel, interaction, sensitivity and probing plots and the report', () => {
    const out = join(dir, 'out-bigs');
    const r = spawnCli([
      'analyze',
      'run',
      '--model',
      join(dir, 'bigs'),
      '--out',
      out,
      '--text',
      'the big dog runs .',
      '--conllu',
      join(dir, 'tb.conllu'),
      '--length',
      '12',
      '--layers',
      '0',
      '1',
      '--probe-epochs',
      '3',
      '--backend',
      'cpu',
      '--quiet',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const res = JSON.parse(r.stdout);
    expect(res.kernels).toBe('ssm');
    for (const f of [
      'kernels-lines.svg',
      'kernels-heatmap.svg',
      'interaction-layer0.svg',
      'interaction-layer1.svg',
      'sensitivity.svg',
      'probing.svg',
      'report.md',
      'report.html',
      'analysis.json',
    ]) {
      expect(res.files).toContain(f);
      expect(existsSync(join(out, f))).toBe(true);
      if (f.endsWith('.svg')) wellFormed(readFileSync(join(out, f), 'utf8'));
    }
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toContain('![');
    expect(md).toContain('## Linear probing');
    // The Reproduce command, pasted into a POSIX shell, gives back the arguments (defaults left out).
    const line = /## Reproduce\n\n```\n([\s\S]*?)\n```/.exec(md)![1]!;
    const words = execFileSync('sh', ['-c', `set -- ${line}\nprintf '%s\\0' "$@"`], { encoding: 'utf8' })
      .split('\0')
      .slice(0, -1);
    expect(words).toEqual([
      'pnpm',
      '--silent',
      'bigs',
      'analyze',
      'run',
      '--model',
      join(dir, 'bigs'),
      '--out',
      out,
      '--text',
      'the big dog runs .',
      '--conllu',
      join(dir, 'tb.conllu'),
      '--layers',
      '0',
      '1',
      '--length',
      '12',
      '--probe-epochs',
      '3',
      '--backend',
      'cpu',
      '--quiet',
    ]);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html.match(/<svg /g)?.length).toBeGreaterThanOrEqual(6);
    expect(html).not.toMatch(/<(script|link|img)\b/);
    const json = JSON.parse(readFileSync(join(out, 'analysis.json'), 'utf8'));
    expect(json.kernels.layers[0].forward).toHaveLength(12);
    expect(json.probing.tasks.map((t: { task: string }) => t.task)).toEqual(['upos', 'depth']);
  });
  it('attention baseline: "no SSM kernels: attention routing", interactions only; errors exit 1 with one line', () => {
    const out = join(dir, 'out-bert');
    const r = spawnCli([
      'analyze',
      '--model',
      join(dir, 'bert'),
      '--out',
      out,
      '--backend',
      'cpu',
      '--quiet',
    ]);
    // The default sentence is longer than this tiny model's 16 positions: said, even with --quiet.
    expect(r.stderr).toMatch(
      /^bigs analyze: warning: default sentence truncated: kept the first 14 of \d+ tokens [^\n]*\n$/,
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).files).toEqual([
      'sensitivity.svg',
      'report.md',
      'report.html',
      'analysis.json',
    ]);
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toContain('no SSM kernels: attention routing');
    expect(md).toContain('Not run: pass a CoNLL-U file');
    const bad = spawnCli([
      'analyze',
      'run',
      '--model',
      join(dir, 'bigs'),
      '--out',
      out,
      '--conllu',
      join(dir, 'missing.conllu'),
      '--backend',
      'cpu',
      '--quiet',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^bigs analyze: error: .*missing\.conllu: cannot read CoNLL-U file/);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    const empty = spawnCli(['analyze', '--model', join(dir, 'bigs'), '--out', out, '--text', ' ', '--quiet']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toBe(
      'bigs analyze: error: --text is empty: pass a sentence, or leave --text out for the default sentence\n',
    );
  });
});

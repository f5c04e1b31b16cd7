import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess, spawnCli } from './test-helpers.js';

/** In-process run; an empty stdin is a terminal, as before. */
const run = (args: string[], stdin = '') => runInProcess(args, stdin === '' ? undefined : stdin);

const ROOT = join(import.meta.dirname, '../../..');
const GLUE = join(ROOT, 'packages/data/test/fixtures/glue');

describe('bigs data glue (spawned)', () => {
  it('prints one JSON object per line with text_a, text_b, label', () => {
    const r = spawnCli(['data', 'glue', '--task', 'mnli', '--data-dir', GLUE, '--split', 'train']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows.map((x) => x.label)).toEqual([1, 0, 2]);
    expect(Object.keys(rows[0])).toEqual(['idx', 'text_a', 'text_b', 'label']);
    expect(rows[1].text_a).toContain('if "if they decide');
  });
  it('single-sentence tasks give text_b null; STS-B float labels; test labels null; bad input exits 1 with one line', () => {
    const cola = spawnCli(['data', 'glue', '--task', 'cola', '--data-dir', GLUE, '--split', 'test']);
    expect(JSON.parse(cola.stdout.split('\n')[0] as string)).toEqual({
      idx: 0,
      text_a: 'Bill whistled past the house.',
      text_b: null,
      label: null,
    });
    const bad = spawnCli([
      'data',
      'glue',
      '--task',
      'cola',
      '--data-dir',
      join(GLUE, 'nope'),
      '--split',
      'train',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/bigs data glue: error: --data-dir .*nope: no such directory/);
  });
});

describe('bigs router and commands (in-process)', () => {
  it('--help lists every command; per-command help lists flags', async () => {
    const h = await run(['--help']);
    expect(h.code).toBe(0);
    for (const c of ['data glue', 'data tokenize', 'data build-shards', 'data stats'])
      expect(h.stdout).toContain(c);
    const g = await run(['data', 'glue', '--help']);
    expect(g.stdout).toContain('--task cola|sst2|mrpc|qqp|stsb|mnli|qnli|rte|wnli|ax');
    expect(g.stdout).toContain('--data-dir DIR');
  });
  it('a group with a default command takes flags directly (bigs predict --model ...)', async () => {
    const direct = await run(['predict', '--help']);
    expect(direct.code).toBe(0);
    expect(direct.stdout).toContain('Usage: bigs predict [flags]');
    expect(direct.stdout).toContain('--model');
    const missing = await run(['predict', '--head', 'base']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^bigs predict: error: missing required flag --model/);
    const group = await run(['predict']);
    expect(group.stdout).toContain('no command: run');
    // Groups without a default still need the command word.
    expect((await run(['data', '--task', 'cola'])).stderr).toMatch(/unknown command "--task"/);
  });
  it('flag errors are one line naming the flag, exit 2 (a usage error)', async () => {
    const a = await run(['data', 'glue', '--task', 'nope', '--data-dir', GLUE, '--split', 'dev']);
    expect(a.code).toBe(2);
    expect(a.stderr).toBe(
      'bigs data glue: error: --task must be one of cola|sst2|mrpc|qqp|stsb|mnli|qnli|rte|wnli|ax, got "nope"\n',
    );
    expect((await run(['data', 'glue', '--task', 'cola'])).stderr).toMatch(
      /missing required flag --data-dir/,
    );
    expect((await run(['data', 'glue', '--bogus'])).stderr).toMatch(/unknown flag --bogus/);
    expect(
      (await run(['data', 'build-shards', '--input', 'x', '--out', 'y', '--max-seq-length', '1.5'])).stderr,
    ).toMatch(/--max-seq-length must be an integer, got "1.5"/);
    expect((await run(['nope'])).code).toBe(2);
  });
  it('STS-B floats and skip-malformed count on stderr', async () => {
    const s = await run(['data', 'glue', '--task', 'stsb', '--data-dir', GLUE, '--split', 'train']);
    expect(
      s.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).label),
    ).toEqual([5, 3.8]);
    const d = mkdtempSync(join(tmpdir(), 'bigs-cli-glue-'));
    mkdirSync(join(d, 'RTE'));
    writeFileSync(
      join(d, 'RTE/dev.tsv'),
      'index\tsentence1\tsentence2\tlabel\n0\ta\tb\tentailment\n1\tbroken\n',
    );
    const bad = await run(['data', 'glue', '--task', 'rte', '--data-dir', d, '--split', 'dev']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/RTE\/dev\.tsv:3: expected at least 4 tab-separated fields, got 2/);
    const skip = await run([
      'data',
      'glue',
      '--task',
      'rte',
      '--data-dir',
      d,
      '--split',
      'dev',
      '--skip-malformed',
    ]);
    expect(skip.code).toBe(0);
    expect(skip.stdout.trim().split('\n')).toHaveLength(1);
    expect(skip.stderr).toMatch(/^skipped 1 malformed row\(s\); first: .*dev\.tsv:3/);
  });
  it('invalid UTF-8: one line naming file:line and the flag; --allow-invalid-utf8 reads U+FFFD', async () => {
    const d = mkdtempSync(join(tmpdir(), 'bigs-cli-glue-'));
    mkdirSync(join(d, 'RTE'));
    writeFileSync(
      join(d, 'RTE/dev.tsv'),
      Buffer.concat([
        Buffer.from('index\tsentence1\tsentence2\tlabel\n0\t'),
        Buffer.from('na\xefve', 'latin1'),
        Buffer.from('\tb\tentailment\n'),
      ]),
    );
    const args = ['data', 'glue', '--task', 'rte', '--data-dir', d, '--split', 'dev'];
    const bad = await run(args);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(
      /^bigs data glue: error: .*RTE\/dev\.tsv:2: not valid UTF-8: byte 0xef at byte 5 of the line .*; or pass --allow-invalid-utf8 to read such bytes as U\+FFFD\n$/,
    );
    const ok = await run([...args, '--allow-invalid-utf8']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).text_a).toBe('na\uFFFDve');
    // Corpus commands too: stats / build-shards name file:line; a binary file is named as such.
    const corpus = join(d, 'book.txt');
    writeFileSync(
      corpus,
      Buffer.concat([Buffer.from('One line.\nTwo '), Buffer.from([0xe9]), Buffer.from('.\n')]),
    );
    const st = await run(['data', 'stats', '--input', corpus]);
    expect(st.code).toBe(1);
    expect(st.stderr).toMatch(
      /^bigs data stats: error: .*book\.txt:2: not valid UTF-8: byte 0xe9 at byte 5 .*--allow-invalid-utf8/,
    );
    const st2 = await run(['data', 'stats', '--input', corpus, '--allow-invalid-utf8']);
    expect(JSON.parse(st2.stdout).documents).toBe(1);
    const bin = join(d, 'x.bin');
    writeFileSync(bin, Buffer.from([1, 2, 0, 0, 10]));
    const bs = await run(['data', 'build-shards', '--input', bin, '--out', join(d, 'shards')]);
    expect(bs.code).toBe(1);
    expect(bs.stderr).toMatch(
      /^bigs data build-shards: error: .*x\.bin:1: not UTF-8 text: a NUL byte .*looks like a binary file\n$/,
    );
  });
  it('tokenize: --text and stdin lines', async () => {
    const t = await run(['data', 'tokenize', '--text', 'Hello world']);
    const o = JSON.parse(t.stdout);
    expect(o.tokens.length).toBe(o.ids.length);
    const s = await run(['data', 'tokenize'], 'a b\nc\n');
    expect(s.stdout.trim().split('\n')).toHaveLength(2);
  });
  it('build-shards then stats --shards', async () => {
    const out = mkdtempSync(join(tmpdir(), 'bigs-cli-'));
    const b = await run([
      'data',
      'build-shards',
      '--input',
      join(ROOT, 'packages/data/test/fixtures/wiki/enwiki-sample.xml.bz2'),
      join(ROOT, 'packages/data/test/fixtures/books'),
      '--out',
      out,
      '--max-seq-length',
      '32',
      '--seed',
      '1',
    ]);
    expect(b.code).toBe(0);
    const built = JSON.parse(b.stdout);
    expect(built.documents).toBe(4);
    const s = await run(['data', 'stats', '--shards', out]);
    expect(JSON.parse(s.stdout)).toMatchObject({
      documents: 4,
      sequences: built.sequences,
      shards: built.shards,
    });
    const c = await run(['data', 'stats', '--input', join(ROOT, 'packages/data/test/fixtures/books')]);
    expect(JSON.parse(c.stdout)).toMatchObject({ documents: 2, paragraphs: 5, tokens: null });
  });
});

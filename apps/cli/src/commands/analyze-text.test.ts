import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConfig, createModel, savePretrained, TINY } from '@bigs/models';
import { initEngine } from '@bigs/ssm-kernels';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CliIO, flagsToArgv, parseFlags, runCli } from '../router.js';
import { analyzeCommands } from './analyze.js';
import { COMMAND_GROUPS } from './index.js';

const WORDS = ['the', 'a', 'dog', 'cat', 'runs', 'sleeps', 'big', 'small', '.'];
const VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', ...WORDS];

async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    readStdin: async () => '',
    stdinIsTTY: true,
  };
  return { code: await runCli(args, COMMAND_GROUPS, io), stdout, stderr };
}

/** The words a POSIX shell makes of a command line. */
function shellWords(line: string): string[] {
  const out = execFileSync('sh', ['-c', `set -- ${line}\nprintf '%s\\0' "$@"`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

function reproduceLine(outDir: string): string {
  const md = readFileSync(join(outDir, 'report.md'), 'utf8');
  const m = /## Reproduce\n\n(`{3,})\n([\s\S]*?)\n\1\n/.exec(md);
  if (!m) throw new Error('no Reproduce block');
  return m[2]!;
}

const sensitivityOf = (outDir: string) =>
  JSON.parse(readFileSync(join(outDir, 'analysis.json'), 'utf8')).sensitivity;

let dir = '';
let model = '';
beforeAll(async () => {
  await initEngine({ backend: 'cpu', threads: 1, quiet: true });
  dir = mkdtempSync(join(tmpdir(), 'bigs-analyze-text-'));
  model = join(dir, 'model');
  const m = createModel(createConfig({ ...TINY, vocabSize: 20 }), 'masked-lm', { seed: 1 }); // P = 16
  await savePretrained(m, model, { tokenizerFiles: { 'vocab.txt': `${VOCAB.join('\n')}\n` } });
  m.dispose();
});

const base = (out: string) => ['analyze', '--model', model, '--out', out, '--backend', 'cpu', '--quiet'];

describe('bigs analyze --text', () => {
  it('an empty or blank --text (or --text-file) is an error', async () => {
    // '' is refused by the flag parser (every string flag needs a value), a blank text by the command
    const empty = await cli([...base(join(dir, 'e')), '--text', '']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toBe('bigs analyze: error: --text must be a non-empty string, got ""\n');
    const blank = await cli([...base(join(dir, 'e')), '--text', ' \n ']);
    expect(blank.code).toBe(2);
    expect(blank.stderr).toMatch(/^bigs analyze: error: --text is empty/);
    writeFileSync(join(dir, 'empty.txt'), '\n');
    const f = await cli([...base(join(dir, 'e')), '--text-file', join(dir, 'empty.txt')]);
    expect(f.code).toBe(2);
    expect(f.stderr).toMatch(/--text-file .*empty\.txt is empty/);
    const both = await cli([...base(join(dir, 'e')), '--text', 'a', '--text-file', join(dir, 'empty.txt')]);
    expect(both.stderr).toMatch(/--text or --text-file, not both/);
  });

  it('a 100 KB --text: warns how many tokens were kept of how many, bounded report, reproducible via text.txt', async () => {
    const text = Array.from({ length: 25_000 }, (_, i) => WORDS[i % WORDS.length]).join(' ');
    expect(text.length).toBeGreaterThan(100_000);
    const out = join(dir, 'long');
    const r = await cli([...base(out), '--text', text]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /^bigs analyze: warning: text truncated: kept the first 14 of 25000 tokens \(the model takes 16 positions/,
    );
    expect(JSON.parse(r.stdout).files).toContain('text.txt');
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md.length).toBeLessThan(20_000);
    expect(md).toContain(`${text.length} characters, 25000 tokens; **truncated**`);
    const words = shellWords(reproduceLine(out));
    expect(words).toEqual([
      'pnpm',
      '--silent',
      'bigs',
      'analyze',
      'run',
      '--model',
      model,
      '--out',
      out,
      '--text-file',
      join(out, 'text.txt'),
      '--backend',
      'cpu',
      '--quiet',
    ]);
    const before = sensitivityOf(out);
    const again = await cli(words.slice(3)); // what `pnpm --silent bigs` would run
    expect(again.code).toBe(0);
    expect(sensitivityOf(out)).toEqual(before);
  });

  it('the Reproduce command survives a POSIX shell for texts with quotes, spaces, $, backticks, newlines', async () => {
    const texts = [
      `the dog's "big" . $HOME \${PATH} $(echo x) \`echo y\` ; | & *`,
      'a cat\nsleeps\t. \\ \'\' "" `',
      '--the dog',
    ];
    for (const [i, text] of texts.entries()) {
      const out = join(dir, `q${i}`);
      const args = [...base(out), `--text=${text}`];
      const r = await cli(args);
      expect(r.stderr).not.toMatch(/error/);
      expect(r.code).toBe(0);
      const words = shellWords(reproduceLine(out));
      const spec = analyzeCommands.commands[0]!.flags;
      expect(parseFlags('t', spec, words.slice(5))).toEqual(parseFlags('t', spec, args.slice(1)));
      const before = sensitivityOf(out);
      expect(before.text.excerpt).toBe(text);
      expect((await cli(words.slice(3))).code).toBe(0);
      expect(sensitivityOf(out)).toEqual(before);
    }
  });

  it('flagsToArgv gives back what parseFlags read (defaults left out)', () => {
    const spec = analyzeCommands.commands[0]!.flags;
    const argv = ['--model', 'm', '--out', 'o', '--layers', '0', '2', '--text=--x', '--seed', '3', '--quiet'];
    const flags = parseFlags('t', spec, argv);
    const back = flagsToArgv(spec, flags);
    expect(back).toEqual([
      '--model',
      'm',
      '--out',
      'o',
      '--text=--x',
      '--layers',
      '0',
      '2',
      '--seed',
      '3',
      '--quiet',
    ]);
    expect(parseFlags('t', spec, back)).toEqual(flags);
  });
});

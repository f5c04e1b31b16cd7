import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { savePretrained } from '@bigs/models';
import { beforeAll, describe, expect, it } from 'vitest';
import { tinyModel, useCpu, WORDS } from '../test-helpers.js';
import { analyzeModel, TEXT_EXCERPT_CHARS, TEXT_FILE } from './analyze.js';

/** The words a POSIX shell makes of a command line (`set -- LINE`, then each word NUL-terminated). */
function shellWords(line: string): string[] {
  const out = execFileSync('sh', ['-c', `set -- ${line}\nprintf '%s\\0' "$@"`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

/** The text of the fenced code block under `## title` in a markdown report. */
function codeBlockUnder(md: string, title: string): string {
  const section = md.split(`## ${title}\n`)[1]!;
  const m = /^(`{3,})\n([\s\S]*?)\n\1$/m.exec(section);
  if (!m) throw new Error(`no code block under ${title}`);
  return m[2]!;
}

let root = '';
let modelDir = '';
beforeAll(async () => {
  await useCpu();
  root = mkdtempSync(join(tmpdir(), 'bigs-analysis-report-'));
  modelDir = join(root, 'model');
  const m = tinyModel('bigs'); // max_position_embeddings 16
  await savePretrained(m, modelDir, {
    tokenizerFiles: {
      'vocab.txt': `${['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', ...WORDS].join('\n')}\n`,
    },
  });
  m.dispose();
});

describe('analyzeModel: the text and the Reproduce command', () => {
  it('an empty (or blank) text is an error, not an analysis of [CLS] [SEP]', async () => {
    for (const text of ['', '  \n\t']) {
      await expect(
        analyzeModel({ modelDir, outDir: join(root, 'empty'), text, onWarning: () => {} }),
      ).rejects.toThrow(/text is empty/);
    }
  });

  it('a 100 KB text: truncation is reported (kept of total tokens), the report quotes a bounded excerpt', async () => {
    const text = Array.from({ length: 22_000 }, (_, i) => WORDS[i % WORDS.length]).join(' ');
    expect(text.length).toBeGreaterThan(100_000);
    const warnings: string[] = [];
    const outDir = join(root, 'long');
    const r = await analyzeModel({ modelDir, outDir, text, onWarning: (w) => warnings.push(w) });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/text truncated: kept the first 14 of 2\d{4} tokens .*16 positions/);
    expect(r.sensitivity.text).toMatchObject({ truncated: true, keptTokens: 14, file: TEXT_FILE });
    expect(r.sensitivity.text.tokens).toBeGreaterThan(20_000);
    expect(r.files).toContain(TEXT_FILE);
    expect(readFileSync(join(outDir, TEXT_FILE), 'utf8')).toBe(text);
    for (const f of ['report.md', 'report.html']) {
      const doc = readFileSync(join(outDir, f), 'utf8');
      expect(doc).not.toContain(text.slice(0, TEXT_EXCERPT_CHARS + 50));
      expect(doc).toContain(text.slice(0, TEXT_EXCERPT_CHARS - 10));
      expect(doc).toContain(`${text.length} characters`);
      expect(doc).toMatch(/truncated.*only the first 14 of \d+ tokens were analysed/);
    }
    expect(readFileSync(join(outDir, 'report.md'), 'utf8').length).toBeLessThan(20_000);
    const json = JSON.parse(readFileSync(join(outDir, 'analysis.json'), 'utf8'));
    expect(json.sensitivity.text.truncated).toBe(true);
  });

  it('a short text is quoted whole, without a warning or text file', async () => {
    const warnings: string[] = [];
    const r = await analyzeModel({
      modelDir,
      outDir: join(root, 'short'),
      text: 'the dog runs .',
      onWarning: (w) => warnings.push(w),
    });
    expect(warnings).toEqual([]);
    expect(r.sensitivity.text).toMatchObject({ truncated: false, tokens: 4, keptTokens: 4, file: null });
    expect(r.files).not.toContain(TEXT_FILE);
    expect(
      codeBlockUnder(
        readFileSync(join(root, 'short', 'report.md'), 'utf8'),
        'Input-dependent interactions (gradient sensitivity)',
      ),
    ).toBe('the dog runs .');
  });

  it('the Reproduce command is quoted so that a POSIX shell gives back every argument', async () => {
    const texts = [
      `the dog's "big" run`,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal shell parameter expansion
      'a $HOME and ${PATH} and $(rm -rf /) and `id` .',
      'two\nlines and a tab\there',
      "back\\slash ' and '' ; | & < > * ? [ ] ~ # !",
      '```fence``` in the text',
    ];
    for (const [i, text] of texts.entries()) {
      const outDir = join(root, `q${i}`);
      const command = [
        'pnpm',
        '--silent',
        'bigs',
        'analyze',
        'run',
        '--model',
        modelDir,
        '--out',
        outDir,
        '--text',
        text,
      ];
      await analyzeModel({ modelDir, outDir, text, command, onWarning: () => {} });
      const md = readFileSync(join(outDir, 'report.md'), 'utf8');
      expect(shellWords(codeBlockUnder(md, 'Reproduce'))).toEqual(command);
    }
  });
});

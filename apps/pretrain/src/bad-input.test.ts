/**
 * Bad input to `pnpm pretrain`, run in-process: each case ends with exit code 1 and one line naming the flag,
 * file or field and what to do — no stack trace — and nothing already on disk is changed.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadEmbeddedTokenizer } from '@bigs/data';
import { checkOutputDir } from '@bigs/trainer';
import { describe, expect, it } from 'vitest';
import { prepareData } from './data.js';
import { runPretrain } from './pretrain.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../../..');
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const MAIN = join(HERE, 'main.ts');
const work = () => mkdtempSync(join(tmpdir(), 'pretrain-bad-'));

async function run(args: string[]) {
  const log: string[] = [];
  const out: string[] = [];
  const code = await runPretrain(args, { log: (l) => log.push(l), out: (l) => out.push(l) });
  return { code, log, out };
}

/** The error line: the last log line (progress lines such as "engine: …" come before it). */
const errorLine = (r: { log: string[] }) => r.log.at(-1) ?? '';

/** A tiny, complete config.json for --model-config. */
function modelConfig(dir: string, drop: string[] = []): string {
  const cfg: Record<string, unknown> = {
    hidden_size: 8,
    num_hidden_layers: 1,
    intermediate_size: 16,
    type_vocab_size: 2,
    num_ssm: 4,
  };
  for (const k of drop) delete cfg[k];
  const f = join(dir, `model-${drop.join('-') || 'ok'}.json`);
  writeFileSync(f, JSON.stringify(cfg));
  return f;
}

const FAST = ['--backend', 'cpu', '--max-seq-length', '16', '--max-steps', '1'];

describe('pnpm pretrain: bad input', () => {
  it('--output-dir that is an existing file: one line, the file untouched (also with --overwrite-output-dir)', async () => {
    const d = work();
    const f = join(d, 'notes.txt');
    writeFileSync(f, 'precious\n');
    for (const extra of [[], ['--overwrite-output-dir']]) {
      const r = await run(['--output-dir', f, ...FAST, ...extra]);
      expect(r.code).toBe(2);
      expect(r.log).toEqual([
        `pretrain: error: --output-dir ${f}: exists and is not a directory; pass a directory path (it is created when absent)`,
      ]);
      expect(readFileSync(f, 'utf8')).toBe('precious\n');
    }
    expect(() => checkOutputDir(join(f, 'run'))).toThrow(/cannot be created because .*notes\.txt is a file/);
    // Through a real process, as `pnpm pretrain` runs it: exit 2 (a usage error), stderr is that one line.
    const env = { ...process.env };
    delete env.INIT_CWD;
    const p = spawnSync(
      process.execPath,
      [TSX, '--conditions=@bigs/source', MAIN, '--output-dir', f, ...FAST],
      {
        cwd: ROOT,
        env,
        encoding: 'utf8',
      },
    );
    expect(p.status).toBe(2);
    expect(p.stderr).toBe(
      `pretrain: error: --output-dir ${f}: exists and is not a directory; pass a directory path (it is created when absent)\n`,
    );
    expect(readFileSync(f, 'utf8')).toBe('precious\n');
  });

  it('a corrupt trainer_state.json: names the file and says how to go on (auto-resume and --resume-from-checkpoint)', async () => {
    const d = work();
    const out = join(d, 'run');
    const ckpt = join(out, 'checkpoint-4');
    mkdirSync(ckpt, { recursive: true });
    const state = join(ckpt, 'trainer_state.json');
    writeFileSync(state, '{"format": "bigs-trainer-state", global_step: 4}');
    const auto = await run(['--output-dir', out, ...FAST]);
    expect(auto.code).toBe(2);
    const line = errorLine(auto);
    expect(line).toMatch(
      new RegExp(
        `^pretrain: error: ${state}: corrupt trainer state, not valid JSON \\(.*\\); this checkpoint cannot be resumed: ` +
          `move ${ckpt} aside to resume from the checkpoint before it, pass --resume-from-checkpoint DIR for another one, ` +
          `or pass --overwrite-output-dir to start over`,
      ),
    );
    expect(line).not.toMatch(/\n/);
    const explicit = await run(['--output-dir', join(d, 'other'), '--resume-from-checkpoint', ckpt, ...FAST]);
    expect(explicit.code).toBe(2);
    expect(errorLine(explicit)).toMatch(
      new RegExp(
        `^pretrain: error: ${state}: corrupt trainer state, .*pass another checkpoint to --resume-from-checkpoint`,
      ),
    );
    // Valid JSON of the wrong shape is named the same way.
    writeFileSync(state, '{"format": "bigs-trainer-state", "version": 1}');
    expect(errorLine(await run(['--output-dir', out, ...FAST]))).toMatch(
      new RegExp(
        `^pretrain: error: ${state}: global_step must be an integer, got undefined; this checkpoint cannot be resumed`,
      ),
    );
    expect(readFileSync(state, 'utf8')).toBe('{"format": "bigs-trainer-state", "version": 1}');
  });

  it('--model-config missing hidden_size: one line naming the field and the file, nothing trained', async () => {
    const d = work();
    const cfg = modelConfig(d, ['hidden_size']);
    const r = await run(['--model-config', cfg, '--output-dir', join(d, 'run'), ...FAST]);
    expect(r.code).toBe(1);
    expect(errorLine(r)).toMatch(
      new RegExp(`^pretrain: error: --model-config ${cfg}: missing architecture field 'hidden_size' \\(`),
    );
    expect(r.out).toEqual([]);
  });

  it('--train-files pointing at a binary file: named as not UTF-8 text / binary, not "shard set has no shards"', async () => {
    const d = work();
    const cfg = modelConfig(d);
    const png = join(d, 'image.png');
    writeFileSync(png, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
    const r = await run([
      '--model-config',
      cfg,
      '--output-dir',
      join(d, 'run'),
      '--train-files',
      png,
      ...FAST,
    ]);
    expect(r.code).toBe(1);
    expect(errorLine(r)).toMatch(
      new RegExp(
        `^pretrain: error: --train-files ${png}: ${png}:1: not valid UTF-8: byte 0x89 at byte 1 of the line`,
      ),
    );
    expect(errorLine(r)).toMatch(/; or pass --allow-invalid-utf8 to read such bytes as U\+FFFD$/);
    const bin = join(d, 'weights.bin');
    writeFileSync(bin, Buffer.from([0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0x40]));
    const b = await run([
      '--model-config',
      cfg,
      '--output-dir',
      join(d, 'run2'),
      '--train-files',
      bin,
      ...FAST,
    ]);
    expect(errorLine(b)).toMatch(
      /^pretrain: error: --train-files .*weights\.bin:1: not UTF-8 text: a NUL byte .*looks like a binary file/,
    );
    const blank = join(d, 'blank.txt');
    writeFileSync(blank, '\n  \n\n');
    const e = await run([
      '--model-config',
      cfg,
      '--output-dir',
      join(d, 'run3'),
      '--train-files',
      blank,
      ...FAST,
    ]);
    expect(errorLine(e)).toMatch(
      new RegExp(
        `^pretrain: error: --train-files ${blank}: no text to train on \\(0 document\\(s\\), 0 sentence\\(s\\)`,
      ),
    );
  });

  it('--allow-invalid-utf8: Latin-1 text is read with U+FFFD instead of failing', async () => {
    const d = work();
    const latin1 = join(d, 'latin1.txt');
    writeFileSync(latin1, Buffer.from('Le caf\xe9 est tr\xe8s bon.\nIl fait beau aujourd hui.\n', 'latin1'));
    const opts = {
      trainFiles: [latin1],
      validationSplitPercentage: 0,
      seqLength: 16,
      seed: 1,
      tokenizer: await loadEmbeddedTokenizer(),
      masking: { maskProb: 0.15, wholeWord: false },
      batchSize: 2,
      evalBatchSize: 2,
      log: () => {},
    };
    await expect(prepareData({ ...opts, dataDir: join(d, 'strict') })).rejects.toThrow(
      /^--train-files .*latin1\.txt: .*latin1\.txt:1: not valid UTF-8: byte 0xe9 at byte 7 of the line/,
    );
    const data = await prepareData({ ...opts, dataDir: join(d, 'lenient'), invalidUtf8: 'replace' });
    expect(data.numTrainSequences).toBeGreaterThan(0);
    data.close();
  });
});

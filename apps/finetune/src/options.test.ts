import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test/helpers.js';
import { DEFAULT_MODEL_DIR, DEFAULTS, EMBEDDED_DEFAULTS, helpText, parseArgs } from './options.js';

const opts = (argv: string[]) => {
  const r = parseArgs(argv);
  if (r.help) throw new Error('help');
  return r.options;
};

describe('flags', () => {
  it('defaults are the official recipe (docs/guide/architecture.md#finetuning-recipe) on the embedded task and the default pretrained model', () => {
    const o = opts([]);
    expect(o).toEqual({ ...DEFAULTS, ...EMBEDDED_DEFAULTS });
    expect(opts(['--task', 'embedded', '--learning-rate', '1e-5']).learningRate).toBe(1e-5);
    expect(opts(['--task', 'rte', '--data-dir', 'g'])).toMatchObject({
      task: 'rte',
      modelNameOrPath: DEFAULT_MODEL_DIR,
      learningRate: 2e-5,
      numTrainEpochs: 3,
      perDeviceTrainBatchSize: 16,
      warmupRatio: 0.1,
      adamBeta1: 0.9,
      adamBeta2: 0.999,
      adamEpsilon: 1e-6,
      weightDecay: 0.01,
      padToMaxLength: true,
      evalSteps: 500,
      pairEncoding: 'standard',
      freezeSsm: false,
    });
  });

  it("--semantics takes pytorch | flax | bigs-ts (default: the checkpoint's own)", () => {
    expect(opts([]).semantics).toBeNull();
    expect(opts(['--semantics', 'flax']).semantics).toBe('flax');
    expect(() => opts(['--semantics', 'jax'])).toThrow(/--semantics must be one of bigs-ts\|pytorch\|flax/);
  });

  it('parses kebab, snake and = forms, booleans and --no-', () => {
    const o = opts([
      '--task',
      'RTE',
      '--data-dir',
      'g',
      '--learning_rate',
      '1e-5',
      '--max-steps=7',
      '--pad-to-max-length=false',
      '--freeze-ssm',
      '--pair-encoding',
      'single-segment',
      '--no-save-model',
      '--max-seq-length',
      '128',
    ]);
    expect(o).toMatchObject({
      task: 'rte',
      dataDir: 'g',
      learningRate: 1e-5,
      maxSteps: 7,
      padToMaxLength: false,
      freezeSsm: true,
      pairEncoding: 'single-segment',
      saveModel: false,
      maxSeqLength: 128,
    });
    expect(opts(['--task', 'all', '--data-dir', 'g', '--mnli-checkpoint', 'm']).mnliCheckpoint).toBe('m');
    expect(opts(['--no-pad-to-max-length']).padToMaxLength).toBe(false);
    // a boolean's value as a separate word is refused with the spelling to use
    expect(() => parseArgs(['--pad-to-max-length', 'false'])).toThrow(
      'a boolean flag takes its value as --pad-to-max-length=false (or --no-pad-to-max-length)',
    );
  });

  it('--tokenizer; --tokenizer-name and --vocab are deprecated names of it, with a note', () => {
    expect(opts(['--tokenizer', 'v.txt']).tokenizerName).toBe('v.txt');
    const r = parseArgs(['--tokenizer-name', 'v.txt']);
    if (r.help) throw new Error('help');
    expect(r.options.tokenizerName).toBe('v.txt');
    expect(r.notes).toEqual(['--tokenizer-name is deprecated: use --tokenizer']);
  });

  it('errors name the flag', () => {
    const err = (argv: string[]) => () => parseArgs(argv);
    expect(err(['--learning-rate', 'x'])).toThrow('--learning-rate must be a number >= 0, got "x"');
    expect(err(['--task', 'squad'])).toThrow(/--task must be one of cola \| sst2/);
    expect(err(['--bogus'])).toThrow('unknown flag --bogus');
    expect(err(['--per-device-train-batch-size', '0'])).toThrow(
      '--per-device-train-batch-size must be an integer >= 1',
    );
    expect(err(['--backend', 'gpu'])).toThrow('--backend must be one of auto|tensorflow-gpu');
    expect(err(['--task', 'rte'])).toThrow('--data-dir is required for --task rte');
    expect(err(['--task', 'scrolls'])).toThrow('--task scrolls needs --train-file');
    expect(err(['--mnli-checkpoint', 'x'])).toThrow('--mnli-checkpoint is only used with --task all');
    expect(err(['--output-dir'])).toThrow('--output-dir needs a value');
    expect(err(['stray'])).toThrow('unexpected argument "stray"');
  });

  it('--config FILE (kebab or snake keys), command line wins; its errors name the file and key', () => {
    const dir = tempDir();
    const f = join(dir, 'c.json');
    writeFileSync(f, JSON.stringify({ learning_rate: 3e-5, 'num-train-epochs': 2, seed: 1 }));
    const o = opts(['--config', f, '--seed', '5']);
    expect(o).toMatchObject({ learningRate: 3e-5, numTrainEpochs: 2, seed: 5 });
    writeFileSync(f, JSON.stringify({ learning_rat: 1 }));
    expect(() => parseArgs(['--config', f])).toThrow(`--config ${f}: unknown field "learning_rat"`);
    writeFileSync(f, JSON.stringify({ warmup_ratio: 2 }));
    expect(() => parseArgs(['--config', f])).toThrow(
      `--config ${f}: field "warmup_ratio" must be a number >= 0 and <= 1, got 2`,
    );
    expect(() => parseArgs(['--config', join(dir, 'none.json')])).toThrow(
      /none\.json: cannot read a JSON object \(no such file\)/,
    );
  });

  it('--help lists every option', () => {
    expect(parseArgs(['--help'])).toEqual({ help: true });
    const h = helpText();
    for (const k of Object.keys(DEFAULTS)) {
      const name = k === 'tokenizerName' ? 'tokenizer' : k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
      expect(h).toMatch(new RegExp(`--(\\[no-\\])?${name}\\b`));
    }
    expect(h).toContain('--config FILE');
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allFlags } from '@bigs/cli-kit';
import { describe, expect, it } from 'vitest';
import { helpText, PRETRAIN_COMMAND, parseArgv, readConfigFile, resolveFlags, UsageError } from './flags.js';
import { resolveRun, runPretrain } from './pretrain.js';

/** A valid command-line value for each flag (every flag of the app appears here). */
const SAMPLE: Record<string, string[]> = {
  config: ['cfg.json'],
  'output-dir': ['runs/x'],
  'overwrite-output-dir': [],
  'resume-from-checkpoint': ['latest'],
  'model-config': ['tiny'],
  'model-name-or-path': ['runs/base'],
  tokenizer: ['tok/'],
  'train-files': ['a.txt', 'b.xml.bz2'],
  corpus: ['brown'],
  'validation-files': ['v.txt'],
  'validation-split-percentage': ['2.5'],
  'max-seq-length': ['64'],
  'mlm-probability': ['0.2'],
  'whole-word-mask': [],
  'allow-invalid-utf8': [],
  'max-eval-samples': ['100'],
  'max-steps': ['12'],
  'num-train-epochs': ['1.5'],
  'per-device-train-batch-size': ['4'],
  'per-device-eval-batch-size': ['8'],
  'gradient-accumulation-steps': ['2'],
  'learning-rate': ['1e-3'],
  'weight-decay': ['0.01'],
  'adam-beta1': ['0.85'],
  'adam-beta2': ['0.99'],
  'adam-epsilon': ['1e-8'],
  'max-grad-norm': ['1'],
  'lr-scheduler-type': ['linear'],
  'warmup-steps': ['3'],
  'warmup-ratio': ['0.1'],
  'cosine-alpha': ['0.2'],
  seed: ['7'],
  'logging-steps': ['1'],
  'eval-steps': ['5'],
  'save-steps': ['4'],
  'save-total-limit': ['2'],
  semantics: ['pytorch'],
  backend: ['wasm'],
  threads: ['1'],
  'peak-flops': ['5e10'],
  help: [],
};

/** Every flag, `--config` and `--help` included (cli-kit adds them to every command). */
const FLAGS = allFlags(PRETRAIN_COMMAND);

const expected = (name: string, vals: string[]) => {
  const spec = FLAGS.find((f) => f.name === name)!;
  if (spec.type === 'boolean') return true;
  if (spec.type === 'strings') return vals;
  if (spec.type === 'string') return vals[0];
  return Number(vals[0]);
};

describe('flags', () => {
  it('every flag parses from the command line (space and = forms)', () => {
    expect(Object.keys(SAMPLE).sort()).toEqual(FLAGS.map((f) => f.name).sort());
    for (const [name, vals] of Object.entries(SAMPLE)) {
      expect(parseArgv([`--${name}`, ...vals])[name]).toEqual(expected(name, vals));
      if (vals.length === 1) expect(parseArgv([`--${name}=${vals[0]}`])[name]).toEqual(expected(name, vals));
    }
    const all = parseArgv(Object.entries(SAMPLE).flatMap(([n, v]) => [`--${n}`, ...v]));
    expect(Object.keys(all).length).toBe(FLAGS.length);
  });

  it('accepts a bare -- (pnpm passes it) and -h', () => {
    expect(parseArgv(['--', '--seed', '3'])).toEqual({ seed: 3 });
    expect(parseArgv(['-h'])).toEqual({ help: true });
  });

  it('errors name the flag', () => {
    const cases: Array<[string[], RegExp]> = [
      [['--bogus'], /unknown flag --bogus/],
      [['--max-steps'], /--max-steps needs a value/],
      [['--max-steps', 'ten'], /--max-steps must be an integer/],
      [['--max-steps', '1.5'], /--max-steps must be an integer/],
      [['--max-steps', '0'], /--max-steps must be an integer >= 1/],
      [['--learning-rate', '0'], /--learning-rate must be a number > 0/],
      [['--adam-beta2', '1'], /--adam-beta2 must be a number >= 0 and < 1/],
      [['--mlm-probability', '1.5'], /--mlm-probability/],
      [['--lr-scheduler-type', 'step'], /--lr-scheduler-type must be one of linear\|cosine\|constant/],
      [['--backend', 'gpu'], /--backend must be one of auto\|tensorflow-gpu\|.*\|cpu, got "gpu"/],
      [['--train-files'], /--train-files needs at least one value/],
      [['--whole-word-mask=maybe'], /--whole-word-mask must be true or false/],
      [['stray'], /unexpected argument "stray"/],
      [['--seed', '--max-steps', '3'], /--seed needs a value/],
    ];
    for (const [argv, re] of cases) {
      expect(() => parseArgv(argv), argv.join(' ')).toThrow(UsageError);
      expect(() => parseArgv(argv), argv.join(' ')).toThrow(re);
    }
  });

  it('--config file: snake_case or kebab-case keys, the command line wins', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pretrain-flags-'));
    const file = join(dir, 'cfg.json');
    writeFileSync(
      file,
      JSON.stringify({
        max_steps: 30,
        'learning-rate': 0.001,
        train_files: ['x.txt'],
        whole_word_mask: true,
      }),
    );
    expect(readConfigFile(file)).toEqual({
      'max-steps': 30,
      'learning-rate': 0.001,
      'train-files': ['x.txt'],
      'whole-word-mask': true,
    });
    const resolved = resolveFlags(['--config', file, '--max-steps', '5']);
    if (resolved.help) throw new Error('help');
    const merged = resolved.flags;
    expect(merged['max-steps']).toBe(5);
    expect(merged['learning-rate']).toBe(0.001);
    expect(resolveRun(merged).training).toMatchObject({ maxSteps: 5, learningRate: 0.001 });

    writeFileSync(file, JSON.stringify({ max_stepz: 3 }));
    expect(() => readConfigFile(file)).toThrow(/cfg\.json: unknown field "max_stepz"/);
    writeFileSync(file, JSON.stringify({ max_steps: 'many' }));
    expect(() => readConfigFile(file)).toThrow(
      /cfg\.json: field "max_steps" must be an integer >= 1, got "many"/,
    );
    writeFileSync(file, '{ nope');
    expect(() => readConfigFile(file)).toThrow(/--config .*cannot read a JSON object/);
    expect(() => readConfigFile(join(dir, 'missing.json'))).toThrow(/--config .*missing\.json/);
  });

  it('--help lists every flag and the presets', () => {
    const h = helpText();
    for (const f of FLAGS) expect(h).toMatch(new RegExp(`--(\\[no-\\])?${f.name}\\b`));
    for (const p of ['tiny', 'bigs-128', 'bigs-512', 'bigs-4096', 'bigs-base', 'bert-base'])
      expect(h).toContain(p);
  });

  it('deprecated tokenizer names: --vocab and --tokenizer-name map to --tokenizer with a note', async () => {
    expect(parseArgv(['--vocab', 'v.txt']).tokenizer).toBe('v.txt');
    const r = resolveFlags(['--tokenizer-name', 'v.txt']);
    expect(!r.help && r.notes).toEqual(['--tokenizer-name is deprecated: use --tokenizer']);
  });

  it('runPretrain: --help exits 0, bad flags exit 2 with one line naming the flag', async () => {
    const lines: string[] = [];
    const io = { log: (l: string) => lines.push(l), out: (l: string) => lines.push(l) };
    expect(await runPretrain(['--help'], io)).toBe(0);
    expect(lines.join('\n')).toContain('Usage: pnpm pretrain');
    lines.length = 0;
    expect(await runPretrain(['--warmup-steps', '-3'], io)).toBe(2);
    expect(lines).toEqual(['pretrain: error: --warmup-steps must be an integer >= 0, got "-3"']);
    lines.length = 0;
    expect(await runPretrain(['--model-config', 'huge'], io)).toBe(2);
    expect(lines[0]).toMatch(
      /--model-config must be a preset \(tiny, .*\) or a config\.json path, got "huge"/,
    );
  });

  it('resolveRun: preset defaults, flag overrides, epochs only without --max-steps', () => {
    const d = resolveRun({});
    expect(d.presetName).toBe('tiny');
    expect(d.outputDir).toBe(join('runs', 'pretrain-tiny'));
    expect(d.training).toMatchObject({
      seqLength: 128,
      seed: 42,
      maxGradNorm: 0,
      evalBatchSize: d.training.batchSize,
    });
    const b = resolveRun({ 'model-config': 'bigs-128', 'num-train-epochs': 2, 'warmup-ratio': 0.1 });
    expect(b.training).toMatchObject({
      learningRate: 6e-4,
      beta2: 0.98,
      weightDecay: 0.05,
      warmupSteps: 2000,
      scheduler: 'cosine',
      numTrainEpochs: 2,
      warmupRatio: 0.1,
    });
    expect(resolveRun({ 'max-steps': 3, 'num-train-epochs': 2 }).training.numTrainEpochs).toBeUndefined();
    expect(resolveRun({ 'warmup-steps': 5, 'warmup-ratio': 0.5 }).training.warmupRatio).toBeUndefined();
  });
});

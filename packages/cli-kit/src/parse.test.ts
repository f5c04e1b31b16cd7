import { describe, expect, it } from 'vitest';
import { UsageError } from './errors.js';
import type { FlagSpec } from './flags.js';
import { parseArgv } from './parse.js';

const SPECS: FlagSpec[] = [
  { name: 'whole-word-mask', type: 'boolean', description: 'b' },
  { name: 'max-steps', type: 'integer', min: 1, description: 'n' },
  { name: 'learning-rate', type: 'number', min: 0, minExclusive: true, description: 'lr' },
  { name: 'scheduler', type: 'string', choices: ['linear', 'cosine'], description: 's' },
  { name: 'train-files', type: 'strings', placeholder: 'PATH', description: 'f' },
  { name: 'tokenizer', type: 'string', deprecatedAliases: ['vocab', 'tokenizer-name'], description: 't' },
  { name: 'offset', type: 'number', description: 'o' },
];

describe('parseArgv: one grammar', () => {
  it('reads every boolean form: --x, --x=true, --x=false, --no-x', () => {
    expect(parseArgv(SPECS, ['--whole-word-mask']).values).toEqual({ 'whole-word-mask': true });
    expect(parseArgv(SPECS, ['--whole-word-mask=true']).values).toEqual({ 'whole-word-mask': true });
    expect(parseArgv(SPECS, ['--whole-word-mask=false']).values).toEqual({ 'whole-word-mask': false });
    expect(parseArgv(SPECS, ['--no-whole-word-mask']).values).toEqual({ 'whole-word-mask': false });
    // the last one wins
    expect(parseArgv(SPECS, ['--no-whole-word-mask', '--whole-word-mask']).values['whole-word-mask']).toBe(
      true,
    );
  });

  it('refuses a boolean value as a separate word, and says how to write it', () => {
    expect(() => parseArgv(SPECS, ['--whole-word-mask', 'false'])).toThrow(
      'unexpected argument "false" after --whole-word-mask: a boolean flag takes its value as --whole-word-mask=false (or --no-whole-word-mask)',
    );
    expect(() => parseArgv(SPECS, ['--whole-word-mask=yes'])).toThrow(
      '--whole-word-mask must be true or false, got "yes"',
    );
    expect(() => parseArgv(SPECS, ['--no-whole-word-mask=true'])).toThrow(
      '--no-whole-word-mask takes no value',
    );
    expect(() => parseArgv(SPECS, ['--no-max-steps'])).toThrow('unknown flag --no-max-steps');
  });

  it('reads --x value and --x=value, numbers checked against their bounds', () => {
    expect(parseArgv(SPECS, ['--max-steps', '10', '--learning-rate=1e-3']).values).toEqual({
      'max-steps': 10,
      'learning-rate': 0.001,
    });
    expect(parseArgv(SPECS, ['--offset', '-2']).values.offset).toBe(-2);
    expect(parseArgv(SPECS, ['--max_steps=4', '--no-whole_word_mask']).values).toEqual({
      'max-steps': 4,
      'whole-word-mask': false,
    });
    expect(() => parseArgv(SPECS, ['--max-steps', '0'])).toThrow(
      '--max-steps must be an integer >= 1, got "0"',
    );
    expect(() => parseArgv(SPECS, ['--max-steps', '1.5'])).toThrow('must be an integer >= 1');
    expect(() => parseArgv(SPECS, ['--learning-rate', 'fast'])).toThrow(
      '--learning-rate must be a number > 0, got "fast"',
    );
    expect(() => parseArgv(SPECS, ['--scheduler', 'step'])).toThrow(
      '--scheduler must be one of linear|cosine, got "step"',
    );
    expect(() => parseArgv(SPECS, ['--max-steps'])).toThrow('--max-steps needs a value');
    expect(() => parseArgv(SPECS, ['--max-steps', '--seed'])).toThrow('--max-steps needs a value');
  });

  it('collects strings flags over several words and repeats', () => {
    const p = parseArgv(SPECS, [
      '--train-files',
      'a.txt',
      'b.txt',
      '--max-steps',
      '2',
      '--train-files=c.txt',
    ]);
    expect(p.values['train-files']).toEqual(['a.txt', 'b.txt', 'c.txt']);
    expect(() => parseArgv(SPECS, ['--train-files'])).toThrow(
      '--train-files needs at least one value (PATH)',
    );
  });

  it('maps deprecated aliases to the flag with one note each', () => {
    const p = parseArgv(SPECS, ['--vocab', 'v.txt']);
    expect(p.values).toEqual({ tokenizer: 'v.txt' });
    expect(p.notes).toEqual(['--vocab is deprecated: use --tokenizer']);
  });

  it('positionals: words and everything after --; without: an error, a bare -- skipped', () => {
    const p = parseArgv(SPECS, ['a b', '--max-steps', '3', 'c', '--', '--not-a-flag'], { positionals: true });
    expect(p.positionals).toEqual(['a b', 'c', '--not-a-flag']);
    expect(parseArgv(SPECS, ['--', '--max-steps', '3']).values['max-steps']).toBe(3);
    expect(() => parseArgv(SPECS, ['stray'], { seeHelp: 'see pnpm x --help' })).toThrow(
      'unexpected argument "stray" (flags start with --; see pnpm x --help)',
    );
  });

  it('throws UsageError for unknown flags and reads -h as help', () => {
    expect(() => parseArgv(SPECS, ['--nope'])).toThrow(UsageError);
    expect(() => parseArgv(SPECS, ['--nope'])).toThrow('unknown flag --nope (see --help)');
    expect(
      parseArgv([...SPECS, { name: 'help', type: 'boolean', description: '' }], ['-h']).values.help,
    ).toBe(true);
  });
});

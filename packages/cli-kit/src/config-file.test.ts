import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCommand } from './command.js';
import { readConfigFile } from './config-file.js';
import { EXIT_USAGE, errorLine, exitCodeOf, UsageError } from './errors.js';
import type { FlagSpec } from './flags.js';

const SPECS: FlagSpec[] = [
  { name: 'max-steps', type: 'integer', min: 1, description: 'n', default: 5 },
  { name: 'learning-rate', type: 'number', min: 0, minExclusive: true, description: 'lr' },
  { name: 'whole-word-mask', type: 'boolean', description: 'b' },
  { name: 'train-files', type: 'strings', description: 'f' },
  { name: 'backend', type: 'string', choices: ['auto', 'cpu'], description: 'b' },
  { name: 'tokenizer', type: 'string', deprecatedAliases: ['vocab'], description: 't' },
  { name: 'model', type: 'string', required: true, description: 'm' },
];

const dir = mkdtempSync(join(tmpdir(), 'cli-kit-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('readConfigFile', () => {
  it('reads kebab, snake and camel keys; one path as a string; null as unset', () => {
    const p = file(
      'ok.json',
      '{"max_steps": 7, "learning-rate": 0.5, "wholeWordMask": true, "train_files": "a.txt", "backend": null}',
    );
    expect(readConfigFile(p, SPECS).values).toEqual({
      'max-steps': 7,
      'learning-rate': 0.5,
      'whole-word-mask': true,
      'train-files': ['a.txt'],
    });
  });

  it('names the file and the field as written for a bad value', () => {
    const p = file('bad.json', '{"learning_rate": "fast"}');
    expect(() => readConfigFile(p, SPECS)).toThrow(
      `--config ${p}: field "learning_rate" must be a number > 0, got "fast"`,
    );
    const q = file('bad2.json', '{"max-steps": 0}');
    expect(() => readConfigFile(q, SPECS)).toThrow(
      `--config ${q}: field "max-steps" must be an integer >= 1, got 0`,
    );
    const r = file('bad3.json', '{"whole_word_mask": "yes"}');
    expect(() => readConfigFile(r, SPECS)).toThrow(
      `field "whole_word_mask" must be true or false, got "yes"`,
    );
    const s = file('bad4.json', '{"backend": "gpu"}');
    expect(() => readConfigFile(s, SPECS)).toThrow(`field "backend" must be one of auto|cpu, got "gpu"`);
  });

  it('refuses unknown fields, non-objects, bad JSON and missing files, naming the file', () => {
    const p = file('unknown.json', '{"max_stepz": 1}');
    expect(() => readConfigFile(p, SPECS)).toThrow(`--config ${p}: unknown field "max_stepz"`);
    const a = file('array.json', '[1]');
    expect(() => readConfigFile(a, SPECS)).toThrow(`--config ${a}: must be a JSON object`);
    const j = file('broken.json', '{"max_steps": ');
    expect(() => readConfigFile(j, SPECS)).toThrow(`--config ${j}: cannot read a JSON object`);
    expect(() => readConfigFile(join(dir, 'none.json'), SPECS)).toThrow('(no such file)');
    expect(() => readConfigFile(p, SPECS)).toThrow(UsageError);
  });

  it('takes deprecated names with a note', () => {
    const p = file('alias.json', '{"vocab": "v.txt"}');
    const r = readConfigFile(p, SPECS);
    expect(r.values).toEqual({ tokenizer: 'v.txt' });
    expect(r.notes).toEqual([`--config ${p}: "vocab" is deprecated: use "tokenizer"`]);
  });
});

describe('parseCommand: defaults < --config < command line', () => {
  const cmd = { usage: 'pnpm x', summary: 's', flags: SPECS };
  it('merges and records what was given', () => {
    const p = file('merge.json', '{"max_steps": 7, "learning_rate": 0.5, "model": "m"}');
    const r = parseCommand(cmd, ['--config', p, '--learning-rate', '0.25']);
    if (r.help) throw new Error('help');
    expect(r.values).toEqual({ 'max-steps': 7, 'learning-rate': 0.25, model: 'm' });
    expect([...r.given].sort()).toEqual(['learning-rate', 'max-steps', 'model']);
    const d = parseCommand(cmd, ['--model', 'm']);
    expect(!d.help && d.values['max-steps']).toBe(5);
  });
  it('reports a required flag missing everywhere', () => {
    expect(() => parseCommand(cmd, [])).toThrow('missing required flag --model (see pnpm x --help)');
    expect(parseCommand(cmd, ['--help'])).toEqual({ help: true });
  });
});

describe('errors', () => {
  it('one line, prog first; usage errors exit 2', () => {
    expect(errorLine('bigs predict', new UsageError('bad\nmore'))).toBe('bigs predict: error: bad');
    expect(exitCodeOf(new UsageError('x'))).toBe(EXIT_USAGE);
    expect(exitCodeOf(new Error('x'))).toBe(1);
  });
});

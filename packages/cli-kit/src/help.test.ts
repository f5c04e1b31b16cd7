import { describe, expect, it } from 'vitest';
import { type CommandSpec, flagsToArgv, parseCommand } from './command.js';
import { helpText, markdownReference, wrap } from './help.js';

const CMD: CommandSpec = {
  usage: 'bigs demo',
  summary: 'Demo the help.',
  description: 'A longer description.',
  positionals: { name: 'TEXT', description: 'Texts.' },
  flags: [
    { name: 'model', type: 'string', required: true, placeholder: 'DIR', description: 'Model <dir>.' },
    { name: 'top-k', type: 'integer', default: 5, placeholder: 'K', description: 'Candidates | per mask.' },
    { name: 'json', type: 'boolean', description: 'JSON lines.' },
    { name: 'tokenizer', type: 'string', deprecatedAliases: ['vocab'], description: 'Tokenizer.' },
  ],
  details: 'More after the flags.',
};

describe('helpText', () => {
  const text = helpText(CMD);
  it('lists usage, every flag with its default, --config and --help', () => {
    expect(text.split('\n')[0]).toBe('Usage: bigs demo [flags] [TEXT...]');
    expect(text).toContain('  --model DIR\n      Model <dir>. (required)');
    expect(text).toContain('  --top-k K\n      Candidates | per mask. (default: 5)');
    expect(text).toContain('  --[no-]json\n');
    expect(text).toContain('(also --vocab, deprecated)');
    expect(text).toContain('  --config FILE\n');
    expect(text).toContain('  --help\n');
    expect(text.trimEnd().endsWith('More after the flags.')).toBe(true);
  });
  it('wraps long descriptions', () => {
    const lines = wrap('word '.repeat(60).trim(), 40, '    ');
    expect(lines.every((l) => l.length <= 40 && l.startsWith('    '))).toBe(true);
  });
});

describe('markdownReference', () => {
  it('is a heading and a table with escaped cells', () => {
    const md = markdownReference(CMD, 3);
    expect(md.startsWith('### `bigs demo` {#bigs-demo}')).toBe(true);
    expect(md).toContain('| `--model DIR` | required | Model &lt;dir&gt;. |');
    expect(md).toContain('| `--top-k K` | 5 | Candidates \\| per mask. |');
    expect(md).toContain('| `--config FILE` |');
    const choice = markdownReference({
      usage: 'pnpm x',
      summary: 's',
      flags: [{ name: 'k', type: 'string', choices: ['a', 'b'], description: 'd' }],
    });
    expect(choice.startsWith('## `pnpm x` {#pnpm-x}')).toBe(true);
    expect(choice).toContain('| `--k a\\|b` |');
  });
});

describe('flagsToArgv', () => {
  it('round-trips through the parser', () => {
    const values = { model: 'runs/m', 'top-k': 3, json: false, tokenizer: '-odd' };
    const argv = flagsToArgv(CMD.flags, values);
    expect(argv).toEqual(['--model', 'runs/m', '--top-k', '3', '--no-json', '--tokenizer=-odd']);
    const back = parseCommand(CMD, argv);
    expect(!back.help && back.values).toEqual(values);
  });
});

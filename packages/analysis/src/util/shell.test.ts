import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellJoin, shellQuote, textExcerpt } from './shell.js';

describe('shellQuote / shellJoin', () => {
  it('a POSIX shell splits the joined line back into exactly the arguments', () => {
    const args = [
      'plain',
      'runs/out-1',
      '',
      'two words',
      "it's",
      '"double"',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal shell parameter expansion
      '$HOME $(id) `id` ${X}',
      'new\nline\ttab',
      "'''",
      '\\back\\slash',
      '; | & < > * ? [ ] ~ # !',
      'ünïcödé 日本語 😀',
    ];
    const line = shellJoin(args);
    const out = execFileSync('sh', ['-c', `set -- ${line}\nprintf '%s\\0' "$@"`], { encoding: 'utf8' });
    expect(out.split('\0').slice(0, -1)).toEqual(args);
    expect(shellQuote('runs/out-1')).toBe('runs/out-1');
    expect(shellQuote('')).toBe("''");
  });
});

describe('textExcerpt', () => {
  it('keeps short texts, cuts long ones with …, never half a surrogate pair', () => {
    expect(textExcerpt('abc', 3)).toBe('abc');
    expect(textExcerpt('abcd', 3)).toBe('abc…');
    expect(textExcerpt('ab😀cd', 3)).toBe('ab…');
  });
});

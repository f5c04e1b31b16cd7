import { describe, expect, it } from 'vitest';
import { parseConllu, treeDepths } from './conllu.js';

const FIXTURE = [
  '# newdoc id = d1',
  '# sent_id = s1',
  "# text = The cat's toys fell.",
  '1\tThe\tthe\tDET\tDT\t_\t3\tdet\t_\t_',
  "2-3\tcat's\t_\t_\t_\t_\t_\t_\t_\t_",
  '2\tcat\tcat\tNOUN\tNN\t_\t4\tnmod:poss\t_\t_',
  "3\t's\t's\tPART\tPOS\t_\t2\tcase\t_\t_",
  '4\ttoys\ttoy\tNOUN\tNNS\t_\t5\tnsubj\t_\t_',
  '4.1\tate\teat\tVERB\tVBD\t_\t_\t_\t5:conj\t_',
  '5\tfell\tfall\tVERB\tVBD\t_\t0\troot\t_\tSpaceAfter=No',
  '6\t.\t.\tPUNCT\t.\t_\t5\tpunct\t_\t_',
  '',
  '',
  '# sent_id = s2',
  '1\tHi\thi\tINTJ\tUH\t_\t0\troot\t_\t_',
  '',
].join('\n');

describe('parseConllu', () => {
  it('reads words, comments, skips multiword ranges and empty nodes', () => {
    const s = parseConllu(FIXTURE, 'fx.conllu');
    expect(s).toHaveLength(2);
    const a = s[0]!;
    expect(a.sentId).toBe('s1');
    expect(a.text).toBe("The cat's toys fell.");
    expect(a.comments).toHaveLength(3);
    expect(a.line).toBe(1);
    expect(a.skippedRanges).toBe(1);
    expect(a.skippedEmpty).toBe(1);
    expect(a.words.map((w) => w.form)).toEqual(['The', 'cat', "'s", 'toys', 'fell', '.']);
    expect(a.words.map((w) => w.upos)).toEqual(['DET', 'NOUN', 'PART', 'NOUN', 'VERB', 'PUNCT']);
    expect(a.words.map((w) => w.head)).toEqual([3, 4, 2, 5, 0, 5]);
    expect(a.words[4]!.misc).toBe('SpaceAfter=No');
    expect(a.words[0]!.line).toBe(4);
    expect(s[1]!.line).toBe(14);
    expect(parseConllu(FIXTURE.replace(/\n/g, '\r\n'), 'crlf')).toHaveLength(2);
    expect(parseConllu('1\tx\tx\tX\t_\t_\t0\troot\t_\t_')).toHaveLength(1); // no trailing blank line
  });
  it('tree depth = HEAD steps to the root', () => {
    const [a] = parseConllu(FIXTURE);
    // fell(root)=0; toys→fell=1, '.'→fell=1; cat→toys=2; The→'s? no: The→3 ('s)→2 (cat)→4 (toys): 4, 's=3
    expect(treeDepths(a!)).toEqual([4, 2, 3, 1, 0, 1]);
  });
  it('errors name file:line and the expected value', () => {
    const bad = (text: string) => () => parseConllu(text, 'bad.conllu');
    expect(bad('# c\n1\tx\tx\n')).toThrow(/^bad\.conllu:2: expected 10 tab-separated columns .* got 3$/);
    expect(bad('1\tx\tx\tX\t_\t_\t0\troot\t_\t_\n3\ty\ty\tX\t_\t_\t1\tdep\t_\t_\n')).toThrow(
      /^bad\.conllu:2: expected word ID 2, got 3$/,
    );
    expect(bad('x\tx\tx\tX\t_\t_\t0\troot\t_\t_\n')).toThrow(/^bad\.conllu:1: ID must be an integer/);
    expect(bad('1\tx\tx\tX\t_\t_\tfoo\troot\t_\t_\n')).toThrow(
      /^bad\.conllu:1: HEAD must be an integer >= 0 or '_', got 'foo'/,
    );
    expect(bad('1\tx\tx\tX\t_\t_\t0\troot\t_\t_\n2\ty\ty\tX\t_\t_\t7\tdep\t_\t_\n')).toThrow(
      /^bad\.conllu:2: HEAD 7 of word 2 is not a word of this sentence/,
    );
    expect(bad('1\tx\tx\tX\t_\t_\t1\troot\t_\t_\n')).toThrow(/^bad\.conllu:1: word 1 is its own HEAD/);
    expect(bad('# only a comment\n\n')).toThrow(/^bad\.conllu:1: sentence has comments but no word lines/);
    expect(bad('2-1\tab\t_\t_\t_\t_\t_\t_\t_\t_\n')).toThrow(/^bad\.conllu:1: multiword token range '2-1'/);
    const [cyc] = parseConllu('1\tx\tx\tX\t_\t_\t2\tdep\t_\t_\n2\ty\ty\tX\t_\t_\t1\tdep\t_\t_\n');
    expect(() => treeDepths(cyc!, 'cyc.conllu')).toThrow(/^cyc\.conllu:1: HEAD relations form a cycle/);
    const [nohead] = parseConllu('1\tx\tx\tX\t_\t_\t_\t_\t_\t_\n');
    expect(nohead!.words[0]!.head).toBeNull();
    expect(() => treeDepths(nohead!, 'n.conllu')).toThrow(/^n\.conllu:1: word 1 has no HEAD/);
  });
});

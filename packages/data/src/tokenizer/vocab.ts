/**
 * A WordPiece vocabulary: token ↔ id, in `vocab.txt` order (line n, 0-based, is id n).
 */
export class Vocab {
  readonly tokens: readonly string[];
  private readonly ids: Map<string, number>;

  /**
   * @param tokens tokens in id order; must be unique and non-empty.
   * @param source where they came from, named in error messages.
   */
  constructor(tokens: readonly string[], source = 'vocab') {
    const ids = new Map<string, number>();
    tokens.forEach((t, i) => {
      if (t.length === 0) throw new Error(`${source}: token ${i} is empty`);
      const prev = ids.get(t);
      if (prev !== undefined)
        throw new Error(`${source}: token ${JSON.stringify(t)} appears twice (ids ${prev} and ${i})`);
      ids.set(t, i);
    });
    this.tokens = tokens;
    this.ids = ids;
  }

  get size(): number {
    return this.tokens.length;
  }

  /** Id of `token`, or `undefined`. */
  id(token: string): number | undefined {
    return this.ids.get(token);
  }

  has(token: string): boolean {
    return this.ids.has(token);
  }

  /** Token of `id`, or `undefined`. */
  token(id: number): string | undefined {
    return this.tokens[id];
  }

  /** The ids map (read-only view). */
  get map(): ReadonlyMap<string, number> {
    return this.ids;
  }
}

/**
 * Parses BERT's `vocab.txt`: one token per line, the line number (0-based) is the id; a trailing newline is
 * allowed, `\r\n` line ends are accepted. Empty lines and duplicates are errors naming `source` and the line.
 *
 * @example
 * const v = parseVocabTxt('[PAD]\n[UNK]\nhello\n', 'vocab.txt'); // v.size === 3, v.id('hello') === 2
 */
export function parseVocabTxt(text: string, source = 'vocab.txt'): Vocab {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const tokens: string[] = [];
  const seen = new Map<string, number>();
  for (let i = 0; i < lines.length; i++) {
    let t = lines[i]!;
    if (t.endsWith('\r')) t = t.slice(0, -1);
    if (t.length === 0) throw new Error(`${source}:${i + 1}: empty line (expected one token per line)`);
    if (t.trim() !== t) {
      throw new Error(`${source}:${i + 1}: token ${JSON.stringify(t)} has leading or trailing whitespace`);
    }
    const prev = seen.get(t);
    if (prev !== undefined) {
      throw new Error(`${source}:${i + 1}: duplicate token ${JSON.stringify(t)} (first on line ${prev + 1})`);
    }
    seen.set(t, i);
    tokens.push(t);
  }
  if (tokens.length === 0) throw new Error(`${source}: empty vocabulary (expected one token per line)`);
  return new Vocab(tokens, source);
}

/** Serializes a vocabulary as `vocab.txt` (one token per line, trailing newline). */
export function formatVocabTxt(vocab: Vocab): string {
  return `${vocab.tokens.join('\n')}\n`;
}

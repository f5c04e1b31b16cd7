import type { PipelineTokenizer } from './tokenizer.js';

/**
 * Test fixture: a tiny greedy WordPiece tokenizer over an in-memory vocabulary (lower-cases, splits on whitespace
 * and punctuation). Not exported from the package; tests only.
 */
export class TinyTokenizer implements PipelineTokenizer {
  readonly vocab: string[];
  private readonly index = new Map<string, number>();
  readonly clsId: number;
  readonly sepId: number;
  readonly maskId: number;
  readonly padId: number;
  readonly unkId: number;
  readonly specialIds: number[];

  constructor(pieces: string[]) {
    this.vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', ...pieces.filter((p) => !p.startsWith('['))];
    this.vocab.forEach((t, i) => {
      this.index.set(t, i);
    });
    this.padId = 0;
    this.unkId = 1;
    this.clsId = 2;
    this.sepId = 3;
    this.maskId = 4;
    this.specialIds = [0, 1, 2, 3, 4];
  }

  /** A vocabulary covering every word of `text` whole, plus a few `##` pieces so words can split. */
  static forText(text: string, extraPieces: string[] = []): TinyTokenizer {
    const words = new Set<string>();
    for (const w of TinyTokenizer.words(text)) words.add(w);
    return new TinyTokenizer([...words, ...extraPieces]);
  }

  static words(text: string): string[] {
    return text.toLowerCase().match(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu) ?? [];
  }

  get vocabSize(): number {
    return this.vocab.length;
  }

  isContinuation(id: number): boolean {
    return (this.vocab[id] ?? '').startsWith('##');
  }

  tokenize(text: string): string[] {
    const out: string[] = [];
    for (const w of TinyTokenizer.words(text)) {
      let start = 0;
      const pieces: string[] = [];
      while (start < w.length) {
        let end = w.length;
        let found: string | null = null;
        while (end > start) {
          const sub = (start > 0 ? '##' : '') + w.slice(start, end);
          if (this.index.has(sub)) {
            found = sub;
            break;
          }
          end--;
        }
        if (!found) {
          pieces.length = 0;
          pieces.push('[UNK]');
          break;
        }
        pieces.push(found);
        start = end;
      }
      out.push(...pieces);
    }
    return out;
  }

  tokenizeToIds(text: string): number[] {
    return this.tokenize(text).map((t) => this.index.get(t) ?? this.unkId);
  }

  id(token: string): number {
    const i = this.index.get(token);
    if (i === undefined) throw new Error(`no token ${token}`);
    return i;
  }
}

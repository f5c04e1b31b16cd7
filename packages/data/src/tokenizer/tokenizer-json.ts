import { BertTokenizer, type BertTokenizerOptions, DEFAULT_SPECIAL_TOKENS } from './bert-tokenizer.js';
import { Vocab } from './vocab.js';

/** Shape of the HF `tokenizer.json` fields this package reads and writes (BERT WordPiece). */
export interface TokenizerJson {
  version: string;
  truncation: unknown;
  padding: unknown;
  added_tokens: {
    id: number;
    content: string;
    single_word: boolean;
    lstrip: boolean;
    rstrip: boolean;
    normalized: boolean;
    special: boolean;
  }[];
  normalizer: {
    type: 'BertNormalizer';
    clean_text: boolean;
    handle_chinese_chars: boolean;
    strip_accents: boolean | null;
    lowercase: boolean;
  } | null;
  pre_tokenizer: { type: 'BertPreTokenizer' };
  post_processor: unknown;
  decoder: { type: 'WordPiece'; prefix: string; cleanup: boolean } | null;
  model: {
    type: 'WordPiece';
    unk_token: string;
    continuing_subword_prefix: string;
    max_input_chars_per_word: number;
    vocab: Record<string, number>;
  };
}

/**
 * The HF `tokenizer.json` of `tok` (WordPiece model, BertNormalizer, BertPreTokenizer, TemplateProcessing
 * `[CLS] $A [SEP] $B:1 [SEP]:1`, WordPiece decoder), loadable by HF `tokenizers` and `transformers`.
 *
 * @example
 * JSON.stringify(toTokenizerJson(tok)); // → tokenizer.json
 */
export function toTokenizerJson(tok: BertTokenizer): TokenizerJson {
  const o = tok.options;
  const sp = o.specialTokens;
  const vocab: Record<string, number> = {};
  tok.vocab.tokens.forEach((t, i) => {
    vocab[t] = i;
  });
  const specials = [...new Set([sp.pad, sp.unk, sp.cls, sp.sep, sp.mask, ...o.neverSplit])]
    .map((content) => ({ content, id: tok.vocab.id(content) }))
    .filter((x): x is { content: string; id: number } => x.id !== undefined)
    .sort((x, y) => x.id - y.id);
  const st = (id: string, type_id: number) => ({ SpecialToken: { id, type_id } });
  const sq = (id: 'A' | 'B', type_id: number) => ({ Sequence: { id, type_id } });
  const specialEntry = (t: string) => ({ id: t, ids: [tok.vocab.id(t)!], tokens: [t] });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specials.map(({ id, content }) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: o.cleanText,
      handle_chinese_chars: o.handleChineseChars,
      strip_accents: o.stripAccents === o.lowercase ? null : o.stripAccents,
      lowercase: o.lowercase,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [st(sp.cls, 0), sq('A', 0), st(sp.sep, 0)],
      pair: [st(sp.cls, 0), sq('A', 0), st(sp.sep, 0), sq('B', 1), st(sp.sep, 1)],
      special_tokens: { [sp.cls]: specialEntry(sp.cls), [sp.sep]: specialEntry(sp.sep) },
    },
    decoder: { type: 'WordPiece', prefix: o.continuingSubwordPrefix, cleanup: o.cleanupTokenizationSpaces },
    model: {
      type: 'WordPiece',
      unk_token: sp.unk,
      continuing_subword_prefix: o.continuingSubwordPrefix,
      max_input_chars_per_word: o.maxInputCharsPerWord,
      vocab,
    },
  };
}

type Obj = Record<string, unknown>;

function isObj(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * Builds a tokenizer from an HF `tokenizer.json` (text or parsed) of a BERT WordPiece tokenizer. Errors name
 * `source` and the offending field (`model.type`, `model.vocab["x"]`, `normalizer.lowercase`, ...).
 *
 * @example
 * const tok = fromTokenizerJson(readFileSync('tokenizer.json', 'utf8'), 'tokenizer.json');
 */
export function fromTokenizerJson(json: string | unknown, source = 'tokenizer.json'): BertTokenizer {
  let root: unknown = json;
  if (typeof json === 'string') {
    try {
      root = JSON.parse(json);
    } catch (e) {
      throw new Error(`${source}: invalid JSON: ${(e as Error).message}`);
    }
  }
  const fail = (field: string, msg: string): never => {
    throw new Error(`${source}: ${field}: ${msg}`);
  };
  if (!isObj(root)) return fail('(root)', `expected a JSON object, got ${describe(root)}`);

  // Model.
  const model = root.model;
  if (!isObj(model)) return fail('model', `expected an object, got ${describe(model)}`);
  if (model.type !== 'WordPiece' && model.type !== undefined) {
    fail('model.type', `expected "WordPiece", got ${JSON.stringify(model.type)}`);
  }
  const vocabObj = model.vocab;
  if (!isObj(vocabObj))
    return fail('model.vocab', `expected an object token → id, got ${describe(vocabObj)}`);
  const tokens: string[] = [];
  for (const [t, id] of Object.entries(vocabObj)) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
      fail(`model.vocab[${JSON.stringify(t)}]`, `expected a non-negative integer id, got ${describe(id)}`);
    }
    const n = id as number;
    if (tokens[n] !== undefined) {
      fail(`model.vocab[${JSON.stringify(t)}]`, `id ${n} is already used by ${JSON.stringify(tokens[n])}`);
    }
    tokens[n] = t;
  }
  // Added tokens may extend the vocabulary.
  const added = root.added_tokens ?? [];
  if (!Array.isArray(added)) return fail('added_tokens', `expected an array, got ${describe(added)}`);
  const neverSplit: string[] = [];
  for (let i = 0; i < added.length; i++) {
    const a: unknown = added[i];
    const f = `added_tokens[${i}]`;
    if (!isObj(a)) return fail(f, `expected an object, got ${describe(a)}`);
    if (typeof a.content !== 'string' || a.content.length === 0) {
      return fail(`${f}.content`, `expected a non-empty string, got ${describe(a.content)}`);
    }
    if (typeof a.id !== 'number' || !Number.isInteger(a.id) || a.id < 0) {
      return fail(`${f}.id`, `expected a non-negative integer, got ${describe(a.id)}`);
    }
    const prev = tokens[a.id];
    if (prev !== undefined && prev !== a.content) {
      fail(
        `${f}.id`,
        `id ${a.id} is ${JSON.stringify(prev)} in model.vocab but ${JSON.stringify(a.content)} here`,
      );
    }
    tokens[a.id] = a.content;
    neverSplit.push(a.content);
  }
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i] === undefined)
      fail('model.vocab', `no token has id ${i} (ids must be 0..${tokens.length - 1})`);
  }
  if (tokens.length === 0) fail('model.vocab', 'empty vocabulary');

  const options: BertTokenizerOptions = {};
  const str = (o: Obj, k: string, field: string): string | undefined => {
    const v = o[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') return fail(field, `expected a string, got ${describe(v)}`);
    return v;
  };
  const bool = (o: Obj, k: string, field: string): boolean | undefined => {
    const v = o[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') return fail(field, `expected true/false, got ${describe(v)}`);
    return v;
  };
  options.unkToken = str(model, 'unk_token', 'model.unk_token') ?? DEFAULT_SPECIAL_TOKENS.unk;
  const prefix = str(model, 'continuing_subword_prefix', 'model.continuing_subword_prefix');
  if (prefix !== undefined) options.continuingSubwordPrefix = prefix;
  const maxChars = model.max_input_chars_per_word;
  if (maxChars !== undefined) {
    if (typeof maxChars !== 'number' || !Number.isInteger(maxChars) || maxChars < 1) {
      fail('model.max_input_chars_per_word', `expected a positive integer, got ${describe(maxChars)}`);
    }
    options.maxInputCharsPerWord = maxChars as number;
  }

  // Normalizer.
  const norm = root.normalizer;
  if (norm === null || norm === undefined) {
    options.lowercase = false;
    options.stripAccents = false;
    options.cleanText = false;
    options.handleChineseChars = false;
  } else {
    if (!isObj(norm)) return fail('normalizer', `expected an object or null, got ${describe(norm)}`);
    if (norm.type !== 'BertNormalizer') {
      fail('normalizer.type', `expected "BertNormalizer", got ${JSON.stringify(norm.type)} (not supported)`);
    }
    options.lowercase = bool(norm, 'lowercase', 'normalizer.lowercase') ?? true;
    options.stripAccents = bool(norm, 'strip_accents', 'normalizer.strip_accents') ?? null;
    options.cleanText = bool(norm, 'clean_text', 'normalizer.clean_text') ?? true;
    options.handleChineseChars =
      bool(norm, 'handle_chinese_chars', 'normalizer.handle_chinese_chars') ?? true;
  }

  // Pre-tokenizer.
  const pre = root.pre_tokenizer;
  if (!isObj(pre) || pre.type !== 'BertPreTokenizer') {
    fail(
      'pre_tokenizer.type',
      `expected "BertPreTokenizer", got ${isObj(pre) ? JSON.stringify(pre.type) : describe(pre)} (not supported)`,
    );
  }

  // Post-processor: [CLS] and [SEP] names.
  const specialTokens = { ...DEFAULT_SPECIAL_TOKENS, unk: options.unkToken };
  const post = root.post_processor;
  if (isObj(post)) {
    if (post.type === 'BertProcessing') {
      const cls = post.cls;
      const sep = post.sep;
      if (!Array.isArray(cls) || typeof cls[0] !== 'string')
        fail('post_processor.cls', `expected ["[CLS]", id]`);
      if (!Array.isArray(sep) || typeof sep[0] !== 'string')
        fail('post_processor.sep', `expected ["[SEP]", id]`);
      specialTokens.cls = (cls as string[])[0]!;
      specialTokens.sep = (sep as string[])[0]!;
    } else if (post.type === 'TemplateProcessing') {
      const pieces = (field: string): { s?: string; seq?: string; type: number }[] => {
        const arr = post[field];
        if (!Array.isArray(arr))
          return fail(`post_processor.${field}`, `expected an array, got ${describe(arr)}`);
        return arr.map((p, i) => {
          const f = `post_processor.${field}[${i}]`;
          if (isObj(p) && isObj(p.SpecialToken) && typeof p.SpecialToken.id === 'string') {
            return { s: p.SpecialToken.id, type: Number(p.SpecialToken.type_id ?? 0) };
          }
          if (isObj(p) && isObj(p.Sequence) && typeof p.Sequence.id === 'string') {
            return { seq: p.Sequence.id, type: Number(p.Sequence.type_id ?? 0) };
          }
          return fail(f, `expected {SpecialToken:{id}} or {Sequence:{id}}, got ${describe(p)}`);
        });
      };
      const single = pieces('single');
      const shape = single.map((p) => (p.seq ? `$${p.seq}` : 'S')).join(' ');
      if (shape !== 'S $A S') {
        fail('post_processor.single', `expected the BERT template [CLS] $A [SEP], got ${shape}`);
      }
      specialTokens.cls = single[0]!.s!;
      specialTokens.sep = single[2]!.s!;
      const pair = pieces('pair');
      const pshape = pair.map((p) => (p.seq ? `$${p.seq}:${p.type}` : `${p.s}:${p.type}`)).join(' ');
      const want = `${specialTokens.cls}:0 $A:0 ${specialTokens.sep}:0 $B:1 ${specialTokens.sep}:1`;
      if (pshape !== want) fail('post_processor.pair', `expected ${want}, got ${pshape}`);
    } else {
      fail(
        'post_processor.type',
        `expected "TemplateProcessing" or "BertProcessing", got ${JSON.stringify(post.type)}`,
      );
    }
  } else if (post !== null && post !== undefined) {
    fail('post_processor', `expected an object or null, got ${describe(post)}`);
  }
  const padding = root.padding;
  if (isObj(padding) && typeof padding.pad_token === 'string') specialTokens.pad = padding.pad_token;

  const dec = root.decoder;
  if (isObj(dec) && typeof dec.cleanup === 'boolean') options.cleanupTokenizationSpaces = dec.cleanup;

  options.specialTokens = specialTokens;
  const sp = new Set(Object.values(specialTokens));
  options.neverSplit = neverSplit.filter((s) => !sp.has(s));
  try {
    return new BertTokenizer(new Vocab(tokens, `${source}: model.vocab`), options);
  } catch (e) {
    throw new Error(`${source}: ${(e as Error).message}`);
  }
}

function describe(x: unknown): string {
  if (x === undefined) return 'nothing';
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  if (typeof x === 'object') return 'an object';
  const s = JSON.stringify(x);
  return `${typeof x} ${s.length > 40 ? `${s.slice(0, 40)}…` : s}`;
}

import { z } from 'zod';
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

const at = (message: string) => ({ error: message });
const optString = z.string(at('expected a string')).nullish();
const optBool = z.boolean(at('expected true/false')).nullish();
const nonNegativeInt = (message: string) => z.int(at(message)).min(0, at(message));

/** A `post_processor` piece: `{SpecialToken: {id, type_id}}` or `{Sequence: {id, type_id}}`. */
const TEMPLATE_PIECE = z.union(
  [
    z.object({ SpecialToken: z.object({ id: z.string(), type_id: z.number().optional() }) }),
    z.object({ Sequence: z.object({ id: z.string(), type_id: z.number().optional() }) }),
  ],
  at('expected {SpecialToken:{id}} or {Sequence:{id}}'),
);
const TEMPLATE_PROCESSING = z.object({
  single: z.array(TEMPLATE_PIECE, at('expected an array')),
  pair: z.array(TEMPLATE_PIECE, at('expected an array')),
});
const BERT_PROCESSING = z.object({
  cls: z.tuple([z.string()], z.unknown(), at('expected ["[CLS]", id]')),
  sep: z.tuple([z.string()], z.unknown(), at('expected ["[SEP]", id]')),
});

/**
 * What this reader accepts of an HF `tokenizer.json` (BERT WordPiece): the one definition of its type and its
 * validation; messages say what a field expects (`{got}` is the value found).
 */
export const TOKENIZER_JSON_SCHEMA = z.object(
  {
    model: z.object(
      {
        type: z.literal('WordPiece', at('expected "WordPiece", got {got}')).optional(),
        vocab: z.record(
          z.string(),
          nonNegativeInt('expected a non-negative integer id'),
          at('expected an object token → id'),
        ),
        unk_token: optString,
        continuing_subword_prefix: optString,
        max_input_chars_per_word: z
          .int(at('expected a positive integer'))
          .min(1, at('expected a positive integer'))
          .optional(),
      },
      at('expected an object'),
    ),
    added_tokens: z
      .array(
        z.object(
          {
            content: z.string(at('expected a non-empty string')).min(1, at('expected a non-empty string')),
            id: nonNegativeInt('expected a non-negative integer'),
          },
          at('expected an object'),
        ),
        at('expected an array'),
      )
      .nullish(),
    normalizer: z
      .object(
        {
          type: z.literal('BertNormalizer', at('expected "BertNormalizer", got {got} (not supported)')),
          lowercase: optBool,
          strip_accents: optBool,
          clean_text: optBool,
          handle_chinese_chars: optBool,
        },
        at('expected an object or null'),
      )
      .nullish(),
    pre_tokenizer: z.object(
      { type: z.literal('BertPreTokenizer', at('expected "BertPreTokenizer", got {got} (not supported)')) },
      at('expected "BertPreTokenizer" (not supported)'),
    ),
    post_processor: z
      .looseObject(
        {
          type: z.enum(['TemplateProcessing', 'BertProcessing'], {
            error: 'expected "TemplateProcessing" or "BertProcessing", got {got}',
          }),
        },
        at('expected an object or null'),
      )
      .nullish(),
    padding: z.unknown(),
    decoder: z.unknown(),
  },
  at('expected a JSON object'),
);

/** A `tokenizer.json` as this reader accepts it. */
export type TokenizerJsonInput = z.output<typeof TOKENIZER_JSON_SCHEMA>;

/** `field: message` of a value failing `schema` at `path` (prefix), in the `model.vocab["x"]` / `a[0].b` style. */
function schemaError(error: z.ZodError, root: unknown, prefix: string[] = []): string {
  const issue = error.issues[0]!;
  const path = [...prefix, ...issue.path.map(String)];
  let value: unknown = root;
  for (const k of issue.path) value = (value as Record<PropertyKey, unknown> | undefined)?.[k as PropertyKey];
  let field = '';
  path.forEach((k, i) => {
    if (/^\d+$/.test(k)) field += `[${k}]`;
    else if (path.slice(0, i).join('.') === 'model.vocab') field += `[${JSON.stringify(k)}]`;
    else field += field === '' ? k : `.${k}`;
  });
  const got = issue.code === 'invalid_value' ? JSON.stringify(value) : describe(value);
  const message = issue.message.includes('{got}')
    ? issue.message.replace('{got}', got)
    : `${issue.message}, got ${got}`;
  return `${field || '(root)'}: ${message}`;
}

/** Parse `value` with `schema`, or throw `source: field: what it expects, got …`. */
function parseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  source: string,
  prefix?: string[],
): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new Error(`${source}: ${schemaError(r.error, value, prefix)}`);
  return r.data;
}

/** Tokens by id from `model.vocab` plus `added_tokens` (which may extend it); ids must be 0..n−1 exactly once. */
function vocabTokens(j: TokenizerJsonInput, fail: (field: string, msg: string) => never): string[] {
  const tokens: string[] = [];
  for (const [t, id] of Object.entries(j.model.vocab)) {
    if (tokens[id] !== undefined) {
      fail(`model.vocab[${JSON.stringify(t)}]`, `id ${id} is already used by ${JSON.stringify(tokens[id])}`);
    }
    tokens[id] = t;
  }
  (j.added_tokens ?? []).forEach((a, i) => {
    const prev = tokens[a.id];
    if (prev !== undefined && prev !== a.content) {
      fail(
        `added_tokens[${i}].id`,
        `id ${a.id} is ${JSON.stringify(prev)} in model.vocab but ${JSON.stringify(a.content)} here`,
      );
    }
    tokens[a.id] = a.content;
  });
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i] === undefined)
      fail('model.vocab', `no token has id ${i} (ids must be 0..${tokens.length - 1})`);
  }
  if (tokens.length === 0) fail('model.vocab', 'empty vocabulary');
  return tokens;
}

/** Normalizer options: BertNormalizer fields (HF defaults when absent), or all off without a normalizer. */
function normalizerOptions(n: TokenizerJsonInput['normalizer']): BertTokenizerOptions {
  if (n === null || n === undefined) {
    return { lowercase: false, stripAccents: false, cleanText: false, handleChineseChars: false };
  }
  return {
    lowercase: n.lowercase ?? true,
    stripAccents: n.strip_accents ?? null,
    cleanText: n.clean_text ?? true,
    handleChineseChars: n.handle_chinese_chars ?? true,
  };
}

/** The [CLS] / [SEP] names from the post-processor (BertProcessing, or the BERT TemplateProcessing template). */
function clsSep(
  post: TokenizerJsonInput['post_processor'],
  source: string,
  fail: (field: string, msg: string) => never,
): { cls?: string; sep?: string } {
  if (post === null || post === undefined) return {};
  if (post.type === 'BertProcessing') {
    const p = parseOrThrow(BERT_PROCESSING, post, source, ['post_processor']);
    return { cls: p.cls[0], sep: p.sep[0] };
  }
  const t = parseOrThrow(TEMPLATE_PROCESSING, post, source, ['post_processor']);
  const piece = (p: z.output<typeof TEMPLATE_PIECE>) =>
    'SpecialToken' in p
      ? { s: p.SpecialToken.id, type: p.SpecialToken.type_id ?? 0 }
      : { seq: p.Sequence.id, type: p.Sequence.type_id ?? 0 };
  const single = t.single.map(piece);
  const shape = single.map((p) => (p.seq ? `$${p.seq}` : 'S')).join(' ');
  if (shape !== 'S $A S')
    fail('post_processor.single', `expected the BERT template [CLS] $A [SEP], got ${shape}`);
  const cls = single[0]!.s!;
  const sep = single[2]!.s!;
  const pshape = t.pair
    .map(piece)
    .map((p) => (p.seq ? `$${p.seq}:${p.type}` : `${p.s}:${p.type}`))
    .join(' ');
  const want = `${cls}:0 $A:0 ${sep}:0 $B:1 ${sep}:1`;
  if (pshape !== want) fail('post_processor.pair', `expected ${want}, got ${pshape}`);
  return { cls, sep };
}

/**
 * Builds a tokenizer from an HF `tokenizer.json` (text or parsed) of a BERT WordPiece tokenizer, validated by
 * {@link TOKENIZER_JSON_SCHEMA}. Errors name `source` and the offending field (`model.type`, `model.vocab["x"]`,
 * `normalizer.lowercase`, ...).
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
  if (Array.isArray(root)) throw new Error(`${source}: (root): expected a JSON object, got an array`);
  const j = parseOrThrow(TOKENIZER_JSON_SCHEMA, root, source);
  const fail = (field: string, msg: string): never => {
    throw new Error(`${source}: ${field}: ${msg}`);
  };
  const tokens = vocabTokens(j, fail);
  const options: BertTokenizerOptions = normalizerOptions(j.normalizer);
  options.unkToken = j.model.unk_token ?? DEFAULT_SPECIAL_TOKENS.unk;
  if (j.model.continuing_subword_prefix != null)
    options.continuingSubwordPrefix = j.model.continuing_subword_prefix;
  if (j.model.max_input_chars_per_word !== undefined)
    options.maxInputCharsPerWord = j.model.max_input_chars_per_word;
  const specialTokens = {
    ...DEFAULT_SPECIAL_TOKENS,
    unk: options.unkToken,
    ...clsSep(j.post_processor, source, fail),
  };
  const padding = z.object({ pad_token: z.string() }).safeParse(j.padding);
  if (padding.success) specialTokens.pad = padding.data.pad_token;
  const decoder = z.object({ cleanup: z.boolean() }).safeParse(j.decoder);
  if (decoder.success) options.cleanupTokenizationSpaces = decoder.data.cleanup;
  options.specialTokens = specialTokens;
  const sp = new Set(Object.values(specialTokens));
  options.neverSplit = (j.added_tokens ?? []).map((a) => a.content).filter((s) => !sp.has(s));
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

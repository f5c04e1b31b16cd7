import { BertTokenizer, type BertTokenizerOptions } from './bert-tokenizer.js';
import { fromTokenizerJson } from './tokenizer-json.js';

/** One tokenizer file's content: text, or its bytes (UTF-8). */
export type TokenizerFileContent = string | Uint8Array | ArrayBuffer;

/** Options of {@link tokenizerFromFiles}. */
export interface TokenizerFromFilesOptions {
  /** Where the files came from (a URL or a name), for messages; default `<files>`. */
  source?: string;
  /** Options for a `vocab.txt` (it carries no casing information; default uncased). */
  vocabOptions?: BertTokenizerOptions;
}

function text(content: TokenizerFileContent, where: string): string {
  if (typeof content === 'string') return content;
  const bytes = content instanceof Uint8Array ? content : new Uint8Array(content);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Error(`${where}: not valid UTF-8 text`);
  }
}

/**
 * The tokenizer among a model's files held in memory (e.g. `fetch`ed in a browser): `tokenizer.json` when
 * present, else `vocab.txt` — the same choice as `loadTokenizer(dir)`, without a file system.
 *
 * @example
 * const tok = tokenizerFromFiles({ 'tokenizer.json': await (await fetch('/demo/fill-mask/tokenizer.json')).text() });
 */
export function tokenizerFromFiles(
  files: Readonly<Record<string, TokenizerFileContent | undefined>>,
  options: TokenizerFromFilesOptions = {},
): BertTokenizer {
  const source = options.source ?? '<files>';
  const json = files['tokenizer.json'];
  if (json !== undefined) {
    const where = `${source}/tokenizer.json`;
    return fromTokenizerJson(text(json, where), where);
  }
  const vocab = files['vocab.txt'];
  if (vocab !== undefined) {
    const where = `${source}/vocab.txt`;
    return BertTokenizer.fromVocabTxt(text(vocab, where), options.vocabOptions ?? {}, where);
  }
  throw new Error(
    `${source}: holds no tokenizer (tokenizer.json or vocab.txt) among its files (${Object.keys(files).join(', ') || 'none'})`,
  );
}

import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@bigs/common';
import { BertTokenizer, type BertTokenizerOptions } from './bert-tokenizer.js';
import { fromTokenizerJson, toTokenizerJson } from './tokenizer-json.js';
import { formatVocabTxt } from './vocab.js';

/**
 * Loads a tokenizer from a `tokenizer.json`, a `vocab.txt`, or a directory holding either (tokenizer.json
 * preferred). `options` apply to `vocab.txt` only (it carries no casing information; default uncased).
 *
 * @example
 * const tok = await loadTokenizer('corpus/tokenizer'); // tok.vocabSize === 8192
 */
export async function loadTokenizer(
  path: string,
  options: BertTokenizerOptions = {},
): Promise<BertTokenizer> {
  let file = path;
  if ((await stat(path)).isDirectory()) {
    file = join(path, 'tokenizer.json');
    const hasJson = await stat(file).then(
      (s) => s.isFile(),
      () => false,
    );
    if (!hasJson) file = join(path, 'vocab.txt');
  }
  const text = await readFile(file, 'utf8');
  if (file.endsWith('.json')) return fromTokenizerJson(text, file);
  return BertTokenizer.fromVocabTxt(text, options, file);
}

/**
 * Writes `vocab.txt`, `tokenizer.json` and a minimal `tokenizer_config.json` (for HF `transformers`) into `dir`,
 * each atomically.
 *
 * @example
 * await saveTokenizer(tok, 'out/tokenizer'); // out/tokenizer/{vocab.txt,tokenizer.json,tokenizer_config.json}
 */
export async function saveTokenizer(tok: BertTokenizer, dir: string): Promise<void> {
  const o = tok.options;
  await writeFileAtomic(join(dir, 'vocab.txt'), formatVocabTxt(tok.vocab));
  await writeFileAtomic(join(dir, 'tokenizer.json'), `${JSON.stringify(toTokenizerJson(tok), null, 2)}\n`);
  const config = {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: o.lowercase,
    strip_accents: o.stripAccents === o.lowercase ? null : o.stripAccents,
    tokenize_chinese_chars: o.handleChineseChars,
    unk_token: o.specialTokens.unk,
    sep_token: o.specialTokens.sep,
    pad_token: o.specialTokens.pad,
    cls_token: o.specialTokens.cls,
    mask_token: o.specialTokens.mask,
    clean_up_tokenization_spaces: o.cleanupTokenizationSpaces,
    model_max_length: 512,
  };
  await writeFileAtomic(join(dir, 'tokenizer_config.json'), `${JSON.stringify(config, null, 2)}\n`);
}

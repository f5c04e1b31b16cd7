/** Abbreviations after which a period does not end a sentence (lower-case, without the final period). */
export const DEFAULT_ABBREVIATIONS = new Set([
  'mr',
  'mrs',
  'ms',
  'dr',
  'prof',
  'sr',
  'jr',
  'st',
  'mt',
  'ft',
  'gen',
  'col',
  'lt',
  'sgt',
  'capt',
  'cmdr',
  'gov',
  'sen',
  'rep',
  'rev',
  'hon',
  'pres',
  'vs',
  'v',
  'etc',
  'e.g',
  'i.e',
  'cf',
  'al',
  'approx',
  'ca',
  'no',
  'nos',
  'vol',
  'vols',
  'p',
  'pp',
  'fig',
  'figs',
  'ed',
  'eds',
  'est',
  'inc',
  'ltd',
  'co',
  'corp',
  'dept',
  'univ',
  'assn',
  'bros',
  'jan',
  'feb',
  'mar',
  'apr',
  'jun',
  'jul',
  'aug',
  'sep',
  'sept',
  'oct',
  'nov',
  'dec',
  'u.s',
  'u.k',
  'a.m',
  'p.m',
  'ph.d',
  'b.a',
  'm.a',
  'op',
  'ch',
  'sec',
  'art',
  'no',
  'gov',
  'ave',
  'blvd',
  'rd',
]);

const CLOSERS = new Set(['"', "'", ')', ']', '}', '”', '’', '»']);

/**
 * Split a paragraph into sentences with a small rule-based English splitter.
 *
 * Rules: a sentence ends at `.`, `!`, `?` or `…` (runs like `?!` or `...` count as one), optionally followed by
 * closing quotes/brackets, when followed by whitespace and then an upper-case letter, a digit, or an opening
 * quote/bracket — or by the end of the text. A period does not end a sentence after a known abbreviation
 * ({@link DEFAULT_ABBREVIATIONS}), after a single letter (initials: `J. R. R. Tolkien`), or inside a number
 * (`3.14`) or a dotted token (`e.g.`, `U.S.` — only when the next word is lower-case). Whitespace is collapsed.
 * It is deliberately simple: it has no model, so it will split some abbreviations it does not know.
 * @example
 * splitSentences('Dr. Smith arrived. He sat down!'); // ['Dr. Smith arrived.', 'He sat down!']
 */
export function splitSentences(
  paragraph: string,
  abbreviations: ReadonlySet<string> = DEFAULT_ABBREVIATIONS,
): string[] {
  const text = paragraph.replace(/\s+/g, ' ').trim();
  const out: string[] = [];
  let start = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c !== '.' && c !== '!' && c !== '?' && c !== '…') {
      i++;
      continue;
    }
    let end = i + 1;
    while (end < text.length && '.!?…'.includes(text[end] as string)) end++;
    while (end < text.length && CLOSERS.has(text[end] as string)) end++;
    if (end >= text.length) break;
    if (text[end] !== ' ') {
      i = end;
      continue;
    }
    const next = text[end + 1] ?? '';
    const startsNew = /[\p{Lu}\p{N}"'“‘([]/u.test(next);
    if (!startsNew) {
      i = end;
      continue;
    }
    if (c === '.' && end === i + 1) {
      // single period: check the word before it
      const wordStart = text.lastIndexOf(' ', i - 1) + 1;
      const word = text.slice(wordStart, i).replace(/^["'“‘([]+/, '');
      const lw = word.toLowerCase();
      if (abbreviations.has(lw) || /^\p{L}$/u.test(word)) {
        i = end;
        continue;
      }
    }
    const s = text.slice(start, end).trim();
    if (s) out.push(s);
    start = end + 1;
    i = end + 1;
  }
  const last = text.slice(start).trim();
  if (last) out.push(last);
  return out;
}

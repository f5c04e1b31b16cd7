/** Options for {@link cleanWikitext}. */
export interface WikitextOptions {
  /** Keep section headings (`== History ==`) as their own paragraph. Default false (dropped, like WikiExtractor). */
  keepHeadings?: boolean;
  /** Keep list items (`* item`, `# item`) as paragraphs, markers removed. Default false (dropped). */
  keepLists?: boolean;
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  ndash: '–',
  mdash: '—',
  minus: '−',
  times: '×',
  hellip: '…',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  laquo: '«',
  raquo: '»',
  deg: '°',
  middot: '·',
  thinsp: ' ',
  ensp: ' ',
  emsp: ' ',
  shy: '',
  zwj: '',
  zwnj: '',
};

/** Decode HTML character references (`&amp;`, `&nbsp;`, `&#8212;`, `&#x2014;`); unknown names are kept. */
export function decodeEntities(s: string): string {
  return s.replace(/&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z]+);/g, (m, body: string) => {
    if (body[0] === '#') {
      const cp =
        body[1] === 'x' || body[1] === 'X'
          ? Number.parseInt(body.slice(2), 16)
          : Number.parseInt(body.slice(1), 10);
      return Number.isFinite(cp) && cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
    }
    const v = NAMED_ENTITIES[body];
    return v === undefined ? m : v;
  });
}

/** Remove balanced `open … close` spans, nested (e.g. `{{a|{{b}}}}`). An unbalanced opener drops to end of text. */
function stripNested(s: string, open: string, close: string): string {
  let out = '';
  let depth = 0;
  let i = 0;
  let last = 0;
  while (i < s.length) {
    if (s.startsWith(open, i)) {
      if (depth === 0) out += s.slice(last, i);
      depth++;
      i += open.length;
    } else if (depth > 0 && s.startsWith(close, i)) {
      depth--;
      i += close.length;
      if (depth === 0) last = i;
    } else {
      i++;
    }
  }
  if (depth === 0) out += s.slice(last);
  return out;
}

/** Remove tables `{| … |}` (nested), which open and close at line starts. */
function stripTables(s: string): string {
  const lines = s.split('\n');
  const out: string[] = [];
  let depth = 0;
  for (const line of lines) {
    const t = line.trimStart();
    if (t.startsWith('{|')) {
      depth++;
      continue;
    }
    if (depth > 0) {
      if (t.startsWith('|}')) depth--;
      continue;
    }
    out.push(line);
  }
  return out.join('\n');
}

const DROP_LINK_PREFIX =
  /^\s*:?\s*(file|image|media|category|datei|fichier|imagen|wikipedia|wp|help|template|portal|special|user|talk|draft|module|mediawiki|[a-z]{2,3}(-[a-z]+)?)\s*:/i;

/** Resolve `[[target|label]]` links: keep the label (or target); drop file/category/interwiki links entirely. */
function resolveLinks(s: string): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const start = s.indexOf('[[', i);
    if (start < 0) {
      out += s.slice(i);
      break;
    }
    out += s.slice(i, start);
    // find the matching ]] with nesting (file captions contain links)
    let depth = 0;
    let j = start;
    let end = -1;
    while (j < s.length) {
      if (s.startsWith('[[', j)) {
        depth++;
        j += 2;
      } else if (s.startsWith(']]', j)) {
        depth--;
        j += 2;
        if (depth === 0) {
          end = j;
          break;
        }
      } else j++;
    }
    if (end < 0) {
      out += s.slice(start + 2);
      break;
    }
    const inner = s.slice(start + 2, end - 2);
    if (!DROP_LINK_PREFIX.test(inner) || /^\s*:\s*[^:]*$/.test(inner)) {
      const bar = inner.indexOf('|');
      let text = bar >= 0 ? inner.slice(bar + 1) : inner;
      if (bar >= 0 && text.trim() === '') text = inner.slice(0, bar).replace(/\s*\(.*\)\s*$/, ''); // pipe trick
      out += resolveLinks(text.replace(/^:/, ''));
    }
    i = end;
  }
  return out;
}

/**
 * Turn MediaWiki markup into plain-text paragraphs.
 *
 * Removed: comments, `<ref>` (paired and self-closing), templates `{{…}}` (nested), parser functions, tables
 * `{|…|}`, file/image/category/interlanguage links, `<math>`, `<gallery>` and similar blocks, magic words
 * (`__TOC__`), bare external links, bold/italic quotes, HTML tags (their text kept), headings and lists
 * (unless asked to keep them). Kept: the visible text of `[[a|b]]` (→ `b`) and `[[a]]` (→ `a`), of
 * `[http://x label]` (→ `label`). HTML entities are decoded. Paragraphs are separated by blank lines in the
 * source; lines within one are joined with a space and whitespace is collapsed.
 * @example
 * cleanWikitext("'''Paris''' is the [[capital city|capital]] of [[France]].{{cn}}");
 * // → ['Paris is the capital of France.']
 */
export function cleanWikitext(text: string, opts: WikitextOptions = {}): string[] {
  let s = text.replace(/\r\n?/g, '\n');
  s = s.replace(/<!--[\s\S]*?(-->|$)/g, '');
  s = s.replace(/<ref\b[^>]*\/>/gi, '');
  s = s.replace(/<ref\b[^>]*>[\s\S]*?(<\/ref\s*>|$)/gi, '');
  s = s.replace(
    /<(math|gallery|timeline|score|syntaxhighlight|source|pre|imagemap|noinclude|graph|mapframe|chem|ce|hiero|templatedata|references)\b[^>]*?(\/>|>[\s\S]*?(<\/\1\s*>|$))/gi,
    '',
  );
  s = stripNested(s, '{{', '}}');
  s = stripTables(s);
  s = s.replace(/__[A-Z]+__/g, '');
  s = resolveLinks(s);
  // external links: [http://x label] → label; [http://x] → ''
  s = s.replace(/\[(?:https?:|ftp:)?\/\/[^\s\]]+\s+([^\]]*)\]/gi, '$1');
  s = s.replace(/\[(?:https?:|ftp:)?\/\/[^\s\]]*\]/gi, '');
  s = s.replace(/'{2,5}/g, '');
  s = s.replace(/<\/?[a-zA-Z][a-zA-Z0-9]*\b[^>]*>/g, (tag) => (/^<br\b/i.test(tag) ? ' ' : ''));
  s = decodeEntities(s);

  const paragraphs: string[] = [];
  let current: string[] = [];
  const flush = (): void => {
    const p = current.join(' ').replace(/\s+/g, ' ').trim();
    if (p.length > 0) paragraphs.push(p);
    current = [];
  };
  for (const raw of s.split('\n')) {
    const line = raw.trim();
    if (line === '') {
      flush();
      continue;
    }
    const heading = /^(={1,6})\s*(.*?)\s*\1\s*$/.exec(line);
    if (heading) {
      flush();
      if (opts.keepHeadings && heading[2]) paragraphs.push(heading[2]);
      continue;
    }
    if (/^[*#:;]/.test(line)) {
      flush();
      if (opts.keepLists) {
        const item = line.replace(/^[*#:;]+\s*/, '').trim();
        if (item) paragraphs.push(item);
      }
      continue;
    }
    if (/^(----+|\||!)/.test(line)) continue; // rules, stray table rows
    current.push(line);
  }
  flush();
  return paragraphs;
}

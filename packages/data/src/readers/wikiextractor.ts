import { readLines, type TextDecodeOptions } from './lines.js';
import type { CorpusDocument } from './types.js';

function toParagraphs(text: string, title: string | undefined): string[] {
  const paragraphs = text
    .split(/\n+/)
    .map((p) => p.replace(/\s+/g, ' ').trim())
    .filter((p) => p.length > 0);
  // WikiExtractor repeats the title as the first line of the text.
  if (title !== undefined && paragraphs.length > 0 && paragraphs[0] === title.trim()) paragraphs.shift();
  return paragraphs;
}

/**
 * Stream WikiExtractor `--json` output: one JSON object per line, `{"id","url","title","text"}` (extra keys such
 * as `revid` are ignored). `text` paragraphs are split on newlines; a leading line equal to the title is dropped.
 * A line that is not such an object is an error naming `file:line`. Empty-text articles are skipped.
 * @example
 * for await (const doc of readWikiExtractorJson('AA/wiki_00')) doc.title; // 'Anarchism'
 */
export async function* readWikiExtractorJson(
  path: string,
  opts: TextDecodeOptions = {},
): AsyncGenerator<CorpusDocument> {
  for await (const { line, lineNumber } of readLines(path, opts)) {
    if (line.trim() === '') continue;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (e) {
      throw new Error(`${path}:${lineNumber}: invalid JSON (${(e as Error).message})`);
    }
    const o = obj as Record<string, unknown>;
    if (typeof o !== 'object' || o === null || typeof o.text !== 'string') {
      throw new Error(`${path}:${lineNumber}: expected an object with a string "text" field`);
    }
    const title = typeof o.title === 'string' ? o.title : undefined;
    const paragraphs = toParagraphs(o.text, title);
    if (paragraphs.length === 0) continue;
    const doc: CorpusDocument = {
      id: String(o.id ?? lineNumber),
      paragraphs,
      source: `${path}:${lineNumber}`,
    };
    if (title !== undefined) doc.title = title;
    yield doc;
  }
}

function attr(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\b${name}="([^"]*)"`).exec(tag);
  return m ? m[1] : undefined;
}

/**
 * Stream WikiExtractor's default text output: `<doc id=".." url=".." title="..">` … `</doc>` blocks, the first
 * text line being the title. An unclosed `<doc>` or text outside a `<doc>` is an error naming `file:line`.
 * @example
 * for await (const doc of readWikiExtractorDoc('AA/wiki_00')) doc.paragraphs; // string[]
 */
export async function* readWikiExtractorDoc(
  path: string,
  opts: TextDecodeOptions = {},
): AsyncGenerator<CorpusDocument> {
  let open: { id: string; title: string | undefined; line: number; body: string[] } | null = null;
  for await (const { line, lineNumber } of readLines(path, opts)) {
    const t = line.trim();
    if (t.startsWith('<doc ') || t === '<doc>') {
      if (open)
        throw new Error(`${path}:${lineNumber}: <doc> opened inside the <doc> from line ${open.line}`);
      open = { id: attr(t, 'id') ?? String(lineNumber), title: attr(t, 'title'), line: lineNumber, body: [] };
      continue;
    }
    if (t === '</doc>') {
      if (!open) throw new Error(`${path}:${lineNumber}: </doc> without <doc>`);
      const title = open.title === undefined ? undefined : decodeXmlAttr(open.title);
      const paragraphs = toParagraphs(open.body.join('\n'), title);
      if (paragraphs.length > 0) {
        const doc: CorpusDocument = { id: open.id, paragraphs, source: `${path}:${open.line}` };
        if (title !== undefined) doc.title = title;
        yield doc;
      }
      open = null;
      continue;
    }
    if (!open) {
      if (t === '') continue;
      throw new Error(`${path}:${lineNumber}: text outside <doc …>…</doc>`);
    }
    open.body.push(line);
  }
  if (open) throw new Error(`${path}:${open.line}: <doc> not closed before end of file`);
}

function decodeXmlAttr(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

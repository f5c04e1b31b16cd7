import { SaxesParser } from 'saxes';
import { readTextChunks, type TextDecodeOptions } from './lines.js';
import type { CorpusDocument } from './types.js';
import { cleanWikitext, type WikitextOptions } from './wikitext.js';

/** Options for {@link readWikipediaXml}. */
export interface WikiXmlOptions extends WikitextOptions, TextDecodeOptions {
  /** Namespaces to keep; default `[0]` (articles). */
  namespaces?: number[];
  /** Keep redirect pages (default false). */
  keepRedirects?: boolean;
  /** Drop documents with fewer paragraphs than this after cleaning (default 1). */
  minParagraphs?: number;
}

interface PageState {
  title: string;
  ns: string;
  id: string;
  text: string;
  redirect: boolean;
  line: number;
}

/**
 * Stream articles from a MediaWiki XML dump (`enwiki-*-pages-articles*.xml`, or `.xml.bz2` including the
 * multi-stream dumps), with wikitext cleaned to plain paragraphs by {@link cleanWikitext}.
 *
 * Skips redirects (`<redirect/>` element or `#REDIRECT` text) and pages outside `namespaces` (default: ns 0).
 * Memory: one page's text plus the input chunk (constant in the dump size).
 * @example
 * for await (const doc of readWikipediaXml('enwiki-pages-articles1.xml.bz2')) doc.paragraphs; // string[]
 */
export async function* readWikipediaXml(
  path: string,
  opts: WikiXmlOptions = {},
): AsyncGenerator<CorpusDocument> {
  const namespaces = new Set((opts.namespaces ?? [0]).map(String));
  const minParagraphs = opts.minParagraphs ?? 1;
  const parser = new SaxesParser({ position: true });
  const ready: CorpusDocument[] = [];
  const stack: string[] = [];
  let page: PageState | null = null;
  let capture: 'title' | 'ns' | 'id' | 'text' | null = null;
  let sawRoot = false;

  parser.on('opentag', (tag) => {
    const name = tag.name;
    if (!sawRoot) sawRoot = true;
    stack.push(name);
    if (name === 'page') {
      page = { title: '', ns: '', id: '', text: '', redirect: false, line: parser.line };
    } else if (page) {
      const parent = stack[stack.length - 2];
      if (name === 'title' && parent === 'page') capture = 'title';
      else if (name === 'ns' && parent === 'page') capture = 'ns';
      else if (name === 'id' && parent === 'page') capture = 'id';
      else if (name === 'text' && parent === 'revision') capture = 'text';
      else if (name === 'redirect') page.redirect = true;
    }
  });
  parser.on('text', (t) => {
    if (page && capture) page[capture] += t;
  });
  parser.on('cdata', (t) => {
    if (page && capture) page[capture] += t;
  });
  parser.on('closetag', (tag) => {
    stack.pop();
    if (tag.name === 'page' && page) {
      const p: PageState = page;
      page = null;
      const ns = p.ns.trim() === '' ? '0' : p.ns.trim();
      const isRedirect = p.redirect || /^\s*#redirect\b/i.test(p.text);
      if (!namespaces.has(ns) || (isRedirect && !opts.keepRedirects)) return;
      const paragraphs = cleanWikitext(isRedirect ? p.text.replace(/^\s*#redirect:?\s*/i, '') : p.text, opts);
      if (paragraphs.length < minParagraphs) return;
      ready.push({ id: p.id.trim(), title: p.title.trim(), paragraphs, source: `${path}:${p.line}` });
    } else {
      capture = null;
    }
  });
  parser.on('error', (e) => {
    throw new Error(`${path}:${parser.line}:${parser.column}: malformed XML (${e.message})`);
  });

  for await (const chunk of readTextChunks(path, opts)) {
    parser.write(chunk);
    while (ready.length > 0) yield ready.shift() as CorpusDocument;
  }
  parser.close();
  while (ready.length > 0) yield ready.shift() as CorpusDocument;
  if (!sawRoot) throw new Error(`${path}: empty file or no XML root element`);
}

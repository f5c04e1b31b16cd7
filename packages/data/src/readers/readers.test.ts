import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteFile } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { readBookCorpusText } from './bookcorpus.js';
import { bz2Chunks } from './bz2.js';
import { detectFormat, readCorpus } from './corpus.js';
import { firstInvalidUtf8, readLines, readTextChunks, TextDecodeError } from './lines.js';
import { readBookCorpusParquet, readWikipediaParquet } from './parquet.js';
import type { CorpusDocument } from './types.js';
import { readWikipediaXml } from './wiki-xml.js';
import { readWikiExtractorDoc, readWikiExtractorJson } from './wikiextractor.js';
import { cleanWikitext } from './wikitext.js';

const FIX = join(import.meta.dirname, '../../test/fixtures');
const tmp = (): string => mkdtempSync(join(tmpdir(), 'bigs-readers-'));

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('cleanWikitext', () => {
  it('strips templates (nested), refs, comments, tables, files, categories; keeps link text', () => {
    const p = cleanWikitext(
      "{{Infobox|a={{b|c}}}}'''Paris''' is the [[capital city|capital]] of [[France]].<ref>{{cite|x}}</ref><!-- c -->\n\n{|\n| x\n|}\n[[File:A.jpg|thumb|A [[b]] c]]\n[[Category:X]]",
    );
    expect(p).toEqual(['Paris is the capital of France.']);
  });
  it('drops headings and lists by default, keeps them when asked; decodes entities', () => {
    const src = '== History ==\nText &amp; more&nbsp;here &#8212; ok.\n* item one\n# item two';
    expect(cleanWikitext(src)).toEqual(['Text & more here — ok.']);
    expect(cleanWikitext(src, { keepHeadings: true, keepLists: true })).toEqual([
      'History',
      'Text & more here — ok.',
      'item one',
      'item two',
    ]);
  });
  it('external links keep their label; bare ones vanish; <br> is a space', () => {
    expect(cleanWikitext('See [http://x.org the site] and [http://y.org].<br/>Done.')).toEqual([
      'See the site and . Done.',
    ]);
  });
});

describe('Wikipedia XML dump', () => {
  const expectDocs = (docs: CorpusDocument[]): void => {
    expect(docs.map((d) => d.title)).toEqual(['Anarchism', 'Albedo']); // redirect and ns=4 skipped
    const a = docs[0] as CorpusDocument;
    expect(a.id).toBe('12');
    expect(a.paragraphs[0]).toBe(
      'Anarchism is a political philosophy and movement that is skeptical of all justifications for authority. It is usually placed on the far left.',
    );
    expect(a.paragraphs[1]).toBe(
      'The word anarchism comes from the Ancient Greek word anarkhia meaning "without a ruler". It is composed of the prefix an- and the word arkhos.',
    );
    const joined = a.paragraphs.join('\n');
    for (const bad of [
      '{{',
      '}}',
      '[[',
      '<ref',
      'Proudhon',
      'list item',
      'Category',
      'Anarchismus',
      'hidden',
      'thumb',
    ]) {
      expect(joined).not.toContain(bad);
    }
    expect(joined).toContain('See the website and . Done.');
    expect(docs[1]?.paragraphs).toHaveLength(2);
    expect(a.source).toMatch(/enwiki-sample.*:\d+$/);
  };
  it('reads .xml', async () => expectDocs(await all(readWikipediaXml(join(FIX, 'wiki/enwiki-sample.xml')))));
  it('reads .xml.bz2', async () =>
    expectDocs(await all(readWikipediaXml(join(FIX, 'wiki/enwiki-sample.xml.bz2')))));
  it('reads multi-stream .xml.bz2', async () =>
    expectDocs(await all(readWikipediaXml(join(FIX, 'wiki/enwiki-sample-multistream.xml.bz2')))));
  it('keeps other namespaces and redirects when asked', async () => {
    const docs = await all(
      readWikipediaXml(join(FIX, 'wiki/enwiki-sample.xml'), { namespaces: [0, 4], keepRedirects: true }),
    );
    expect(docs.map((d) => d.title)).toEqual([
      'Anarchism',
      'AccessibleComputing',
      'Wikipedia:About',
      'Albedo',
    ]);
  });
  it('malformed XML is an error with file:line', async () => {
    const d = tmp();
    const f = join(d, 'bad.xml');
    writeFileSync(f, '<mediawiki><page><title>x</title>\n<ns>0</ns></oops></mediawiki>');
    await expect(all(readWikipediaXml(f))).rejects.toThrow(/bad\.xml:2:/);
  });
});

describe('bz2 streaming', () => {
  it('decodes a large multi-block, multi-stream file block by block', async () => {
    const which = (() => {
      try {
        execFileSync('bzip2', ['--help'], { stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    })();
    if (!which) return; // the committed fixtures cover the small case
    const d = tmp();
    const text = Array.from({ length: 40000 }, (_, i) => `line ${i} ${(i * 2654435761) % 1000003}`).join(
      '\n',
    );
    writeFileSync(join(d, 'a.txt'), text.slice(0, 300000));
    writeFileSync(join(d, 'b.txt'), text.slice(300000));
    const a = execFileSync('bzip2', ['-1', '-c', join(d, 'a.txt')]);
    const b = execFileSync('bzip2', ['-1', '-c', join(d, 'b.txt')]);
    writeFileSync(join(d, 'ab.bz2'), Buffer.concat([a, b]));
    const chunks = await all(bz2Chunks(join(d, 'ab.bz2')));
    expect(chunks.length).toBeGreaterThan(2); // several 100k blocks at -1
    expect(Buffer.concat(chunks).toString('utf8')).toBe(text);
  });
  it('corrupt or truncated data is a clear error', async () => {
    const d = tmp();
    const good = readFileSync(join(FIX, 'wiki/enwiki-sample.xml.bz2'));
    writeFileSync(join(d, 't.bz2'), good.subarray(0, good.length - 20));
    await expect(all(bz2Chunks(join(d, 't.bz2')))).rejects.toThrow(/t\.bz2: corrupt or truncated/);
    writeFileSync(join(d, 'n.bz2'), 'not bzip');
    await expect(all(bz2Chunks(join(d, 'n.bz2')))).rejects.toThrow(/not bzip2 data/);
  });
});

describe('readLines', () => {
  it('handles BOM, CRLF and a last line without newline', async () => {
    const d = tmp();
    writeFileSync(join(d, 'x.txt'), '\uFEFFa\r\nb\n\nc');
    expect((await all(readLines(join(d, 'x.txt')))).map((l) => [l.line, l.lineNumber])).toEqual([
      ['a', 1],
      ['b', 2],
      ['', 3],
      ['c', 4],
    ]);
  });
});

describe('strict UTF-8', () => {
  it('firstInvalidUtf8: overlong, surrogate, > U+10FFFF, stray continuation, truncated', () => {
    const at = (...b: number[]) => firstInvalidUtf8(Uint8Array.from(b));
    expect(at(0x61, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80)).toBe(-1); // a é € 😀
    expect(at(0x61, 0xc0, 0x80)).toBe(1);
    expect(at(0xe0, 0x80, 0x80)).toBe(0);
    expect(at(0xed, 0xa0, 0x80)).toBe(0);
    expect(at(0xf4, 0x90, 0x80, 0x80)).toBe(0);
    expect(at(0x61, 0x80)).toBe(1);
    expect(at(0x61, 0xe2, 0x82)).toBe(1);
  });

  it('invalid UTF-8 is an error naming file:line, even past the first read chunk; "replace" gives U+FFFD', async () => {
    const d = tmp();
    const f = join(d, 'x.txt');
    // 3000 lines of 40 bytes (> one 64 KiB chunk), each with a 3-byte "€" that chunk boundaries cut; then Latin-1.
    const good = 'x'.repeat(36).concat('€\n');
    writeFileSync(f, Buffer.concat([Buffer.from(good.repeat(3000)), Buffer.from('ok \xff!\n', 'latin1')]));
    const err = await all(readLines(f)).catch((e) => e);
    expect(err).toBeInstanceOf(TextDecodeError);
    expect(err.message).toBe(
      `${f}:3001: not valid UTF-8: byte 0xff at byte 4 of the line (a binary file, or text in another encoding such as Latin-1? convert it to UTF-8)`,
    );
    expect([err.file, err.line, err.kind]).toEqual([f, 3001, 'invalid-utf8']);
    const lines = await all(readLines(f, { invalidUtf8: 'replace' }));
    expect(lines).toHaveLength(3001);
    expect(lines.slice(0, 3000).every((l) => l.line === good.slice(0, -1))).toBe(true);
    expect(lines[3000]).toEqual({ line: 'ok \uFFFD!', lineNumber: 3001 });
    await expect(all(readTextChunks(f))).rejects.toThrow(/x\.txt:3001: not valid UTF-8/);
  });

  it('a NUL byte means a binary file: named as such; readCorpus reports it too', async () => {
    const d = tmp();
    const f = join(d, 'model.bin');
    writeFileSync(f, Buffer.from([0x61, 0x0a, 0x00, 0x01, 0x02, 0x0a]));
    await expect(all(readLines(f))).rejects.toThrow(
      `${f}:2: not UTF-8 text: a NUL byte at byte 1 of the line; it looks like a binary file`,
    );
    await expect(all(readCorpus([f]))).rejects.toThrow(/model\.bin:2: .*looks like a binary file/);
    const g = join(d, 'random.bin');
    writeFileSync(g, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    await expect(all(readCorpus([g]))).rejects.toThrow(
      /random\.bin:1: not valid UTF-8: byte 0x89 at byte 1 of the line/,
    );
  });
});

describe('WikiExtractor output', () => {
  it('reads the <doc> text format (title line dropped, entities in title decoded)', async () => {
    const docs = await all(readWikiExtractorDoc(join(FIX, 'wikiextractor/wiki_00')));
    expect(docs.map((d) => [d.id, d.title])).toEqual([
      ['12', 'Anarchism'],
      ['39', 'Albedo & more'],
    ]);
    expect(docs[0]?.paragraphs).toEqual([
      'Anarchism is a political philosophy and movement. It is skeptical of authority.',
      'The word comes from Ancient Greek.',
    ]);
  });
  it('reads JSON lines', async () => {
    const docs = await all(readWikiExtractorJson(join(FIX, 'wikiextractor/wiki_01.json')));
    expect(docs.map((d) => d.title)).toEqual(['Anarchism', 'Albedo']);
    expect(docs[0]?.paragraphs).toHaveLength(2);
    expect(docs[1]?.paragraphs).toEqual(['Albedo is the measure of "diffuse reflection".']);
  });
  it('bad JSON and unclosed <doc> are errors with file:line', async () => {
    const d = tmp();
    writeFileSync(join(d, 'j'), '{"id":"1","title":"a","text":"x"}\n{oops\n');
    await expect(all(readWikiExtractorJson(join(d, 'j')))).rejects.toThrow(/j:2: invalid JSON/);
    writeFileSync(join(d, 'k'), '<doc id="1" title="a">\na\nbody\n');
    await expect(all(readWikiExtractorDoc(join(d, 'k')))).rejects.toThrow(/k:1: <doc> not closed/);
  });
});

describe('parquet', () => {
  it('reads the HF wikipedia layout (id, url, title, text) across row groups', async () => {
    const d = tmp();
    const f = join(d, 'train-00000-of-00001.parquet');
    parquetWriteFile({
      filename: f,
      columnData: [
        { name: 'id', data: ['12', '39', '40'], type: 'STRING' },
        { name: 'url', data: ['u1', 'u2', 'u3'], type: 'STRING' },
        { name: 'title', data: ['Anarchism', 'Albedo', 'Empty'], type: 'STRING' },
        {
          name: 'text',
          data: ['Anarchism is a philosophy.\n\nIt has history.', 'Albedo is reflection.', ''],
          type: 'STRING',
        },
      ],
      rowGroupSize: 2,
    });
    const docs = await all(readWikipediaParquet(f));
    expect(docs.map((x) => [x.id, x.title, x.paragraphs])).toEqual([
      ['12', 'Anarchism', ['Anarchism is a philosophy.', 'It has history.']],
      ['39', 'Albedo', ['Albedo is reflection.']],
    ]);
    expect(await detectFormat(f)).toBe('parquet');
  });
  it('reads the HF bookcorpus layout (text) into pseudo-documents; missing column is an error', async () => {
    const d = tmp();
    const f = join(d, 'bc.parquet');
    parquetWriteFile({
      filename: f,
      columnData: [{ name: 'text', data: ['a b .', 'c d .', 'e f .'], type: 'STRING' }],
      codec: 'UNCOMPRESSED',
    });
    const docs = await all(readBookCorpusParquet(f, { rowsPerDocument: 2 }));
    expect(docs.map((x) => x.paragraphs)).toEqual([['a b .', 'c d .'], ['e f .']]);
    await expect(all(readWikipediaParquet(f))).rejects.toThrow(/column "id" not found \(columns: text\)/);
  });
});

describe('BookCorpus text and readCorpus', () => {
  it('one book per file, one line per paragraph, directory sorted; BOM/CRLF tolerated', async () => {
    const docs = await all(readBookCorpusText(join(FIX, 'books')));
    expect(docs.map((d) => d.id)).toEqual(['book-a.txt', 'book-b.txt']);
    expect(docs[0]?.paragraphs).toHaveLength(3);
    expect(docs[1]?.paragraphs).toEqual([
      'The sun shone, having no alternative, on the nothing new.',
      'Murphy sat out of it.',
    ]);
  });
  it('auto-detects formats across files', async () => {
    const files = [
      join(FIX, 'wiki/enwiki-sample.xml.bz2'),
      join(FIX, 'wikiextractor/wiki_00'),
      join(FIX, 'wikiextractor/wiki_01.json'),
      join(FIX, 'books/book-a.txt'),
    ];
    expect(await Promise.all(files.map(detectFormat))).toEqual([
      'wiki-xml',
      'wikiextractor',
      'wikiextractor',
      'text',
    ]);
    const docs = await all(readCorpus(files));
    expect(docs).toHaveLength(2 + 2 + 2 + 1);
    await expect(all(readCorpus([join(FIX, 'nope')]))).rejects.toThrow(/nope: no such file/);
  });
});

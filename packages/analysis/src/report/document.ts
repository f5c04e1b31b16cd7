import { escapeXml } from '@bigs/common';

/** A block of report content. Paragraph text may use `code` and **bold**. */
export type ReportBlock =
  | { kind: 'p'; text: string }
  | { kind: 'figure'; file: string; svg: string; caption: string }
  | { kind: 'table'; header: string[]; rows: string[][] }
  | { kind: 'code'; text: string };

/** A titled report section. */
export interface ReportSection {
  title: string;
  blocks: ReportBlock[];
}

/** A report: title + sections, rendered to markdown ({@link renderMarkdown}) or self-contained HTML ({@link renderHtml}). */
export interface ReportDocument {
  title: string;
  sections: ReportSection[];
}

function mdCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/**
 * Markdown with figures as image links to the SVG files (written next to the report).
 *
 * @example
 * renderMarkdown({ title: 'T', sections: [{ title: 'S', blocks: [{ kind: 'p', text: 'hi' }] }] }); // '# T\n\n## S\n\nhi\n'
 */
export function renderMarkdown(doc: ReportDocument): string {
  const out: string[] = [`# ${doc.title}`, ''];
  for (const s of doc.sections) {
    out.push(`## ${s.title}`, '');
    for (const b of s.blocks) {
      if (b.kind === 'p') out.push(b.text, '');
      else if (b.kind === 'code') {
        // A fence longer than any run of backticks in the text (CommonMark), so the text cannot close it.
        const longest = Math.max(0, ...(b.text.match(/`+/g) ?? []).map((r) => r.length));
        const fence = '`'.repeat(Math.max(3, longest + 1));
        out.push(fence, b.text, fence, '');
      } else if (b.kind === 'figure')
        out.push(`![${mdCell(b.caption)}](${b.file})`, '', `*${b.caption}*`, '');
      else {
        out.push(`| ${b.header.map(mdCell).join(' | ')} |`);
        out.push(`| ${b.header.map(() => '---').join(' | ')} |`);
        for (const r of b.rows) out.push(`| ${r.map(mdCell).join(' | ')} |`);
        out.push('');
      }
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function inline(s: string): string {
  return escapeXml(s)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
}

const CSS = `body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:1100px;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.5}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2.2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
figure{margin:1rem 0;overflow-x:auto}figure svg{max-width:100%;height:auto}figcaption{font-size:.9rem;color:#555}
table{border-collapse:collapse;margin:.8rem 0;font-size:.9rem}td,th{border:1px solid #ccc;padding:.25rem .6rem;text-align:right}
th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}code,pre{background:#f6f6f6;border-radius:3px}
code{padding:0 .2rem}pre{padding:.6rem;overflow-x:auto}`;

/**
 * A self-contained HTML page: the SVGs inline, no external resources.
 *
 * @example
 * const html = renderHtml(doc); // '<!DOCTYPE html>…'
 */
export function renderHtml(doc: ReportDocument): string {
  const out: string[] = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeXml(doc.title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    `<h1>${escapeXml(doc.title)}</h1>`,
  ];
  for (const s of doc.sections) {
    out.push(`<section>`, `<h2>${escapeXml(s.title)}</h2>`);
    for (const b of s.blocks) {
      if (b.kind === 'p') out.push(`<p>${inline(b.text)}</p>`);
      else if (b.kind === 'code') out.push(`<pre><code>${escapeXml(b.text)}</code></pre>`);
      else if (b.kind === 'figure') {
        out.push(
          '<figure>',
          b.svg.trim(),
          `<figcaption>${inline(b.caption)} (<code>${escapeXml(b.file)}</code>)</figcaption>`,
          '</figure>',
        );
      } else {
        out.push('<table>', `<tr>${b.header.map((h) => `<th>${inline(h)}</th>`).join('')}</tr>`);
        for (const r of b.rows) out.push(`<tr>${r.map((c) => `<td>${inline(c)}</td>`).join('')}</tr>`);
        out.push('</table>');
      }
    }
    out.push('</section>');
  }
  out.push('</body>', '</html>', '');
  return out.join('\n');
}

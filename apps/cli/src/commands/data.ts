import { join } from 'node:path';
import {
  type BertTokenizer,
  buildShards,
  type CorpusFormat,
  embeddedCorpusDir,
  fromBertTokenizer,
  GLUE_TASK_NAMES,
  type GlueReadReport,
  loadTokenizer,
  readCorpus,
  readGlue,
  ShardSet,
  splitSentences,
  TextDecodeError,
} from '@bigs/data';
import type { CliIO, Command, CommandGroup, ParsedFlags } from '../router.js';
import { UsageError } from '../router.js';

const GLUE_SPLITS = [
  'train',
  'dev',
  'test',
  'dev_matched',
  'dev_mismatched',
  'test_matched',
  'test_mismatched',
] as const;
const FORMATS = ['auto', 'wiki-xml', 'wikiextractor', 'parquet', 'text'] as const;

/** Buffered line writer (one `stdout` call per ~64 kB). */
function lineWriter(io: CliIO): { line(s: string): void; flush(): void } {
  let buf = '';
  return {
    line(s) {
      buf += `${s}\n`;
      if (buf.length >= 65536) {
        io.stdout(buf);
        buf = '';
      }
    },
    flush() {
      if (buf) io.stdout(buf);
      buf = '';
    },
  };
}

async function tokenizerFrom(flags: ParsedFlags): Promise<BertTokenizer> {
  const path = (flags.tokenizer as string | undefined) ?? join(embeddedCorpusDir(), 'tokenizer', 'vocab.txt');
  try {
    return await loadTokenizer(path, flags.cased ? { lowercase: false, stripAccents: false } : {});
  } catch (e) {
    throw new UsageError(`--tokenizer ${path}: ${(e as Error).message}`);
  }
}

const vocabFlags = [
  {
    name: 'tokenizer',
    type: 'string' as const,
    placeholder: 'PATH',
    deprecatedAliases: ['vocab', 'tokenizer-name'],
    description:
      'vocab.txt, tokenizer.json, or a directory holding one (default: the embedded 8k-word tokenizer).',
  },
  {
    name: 'cased',
    type: 'boolean' as const,
    description: 'vocab.txt only: do not lower-case or strip accents.',
  },
];

/** `--allow-invalid-utf8`: text inputs are strict UTF-8 unless given. */
const utf8Flag = {
  name: 'allow-invalid-utf8',
  type: 'boolean' as const,
  description:
    'Decode bytes that are not valid UTF-8 as U+FFFD (the replacement character) instead of failing with file:line.',
};

const decodeOption = (flags: ParsedFlags) =>
  ({ invalidUtf8: flags['allow-invalid-utf8'] ? 'replace' : 'error' }) as const;

/** Run `f`; an invalid-UTF-8 error also names the flag that reads such bytes as U+FFFD. */
async function withUtf8Hint<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof TextDecodeError && e.kind === 'invalid-utf8') {
      throw new Error(`${e.message}; or pass --allow-invalid-utf8 to read such bytes as U+FFFD`);
    }
    throw e;
  }
}

const glue: Command = {
  name: 'glue',
  summary: 'Print a GLUE split as JSON lines {"idx","text_a","text_b","label"}.',
  details:
    'Reads the GLUE download (CoLA/, SST-2/, MRPC/, QQP/, STS-B/, MNLI/, QNLI/, RTE/, WNLI/, diagnostic/) or the\n' +
    'HF parquet layout (<task>/<split>-*.parquet). label is the HF glue label id (float for stsb, null for test).',
  flags: [
    { name: 'task', type: 'string', required: true, choices: GLUE_TASK_NAMES, description: 'GLUE task.' },
    { name: 'data-dir', type: 'string', required: true, placeholder: 'DIR', description: 'GLUE data root.' },
    {
      name: 'split',
      type: 'string',
      required: true,
      choices: GLUE_SPLITS,
      description: 'Split (mnli: dev_matched, …).',
    },
    {
      name: 'skip-malformed',
      type: 'boolean',
      description: 'Skip malformed rows (count reported on stderr) instead of failing.',
    },
    utf8Flag,
  ],
  async run(flags, io) {
    const report: GlueReadReport = { read: 0, skipped: 0, skippedDetails: [], files: [] };
    const out = lineWriter(io);
    try {
      await withUtf8Hint(async () => {
        for await (const ex of readGlue({
          task: flags.task as string,
          split: flags.split as string,
          dataDir: flags['data-dir'] as string,
          skipMalformed: Boolean(flags['skip-malformed']),
          ...decodeOption(flags),
          report,
        })) {
          out.line(JSON.stringify({ idx: ex.idx, text_a: ex.textA, text_b: ex.textB, label: ex.label }));
        }
      });
    } finally {
      out.flush();
    }
    if (report.skipped > 0) {
      io.stderr(`skipped ${report.skipped} malformed row(s); first: ${report.skippedDetails[0]}\n`);
    }
    return 0;
  },
};

const tokenize: Command = {
  name: 'tokenize',
  summary: 'WordPiece-tokenize --text or each line of stdin: JSON lines {"text","tokens","ids"}.',
  flags: [
    {
      name: 'text',
      type: 'string',
      placeholder: 'TEXT',
      description: 'Text to tokenize (else stdin, one line each).',
    },
    ...vocabFlags,
  ],
  async run(flags, io) {
    const tok = await tokenizerFrom(flags);
    let texts: string[];
    if (flags.text !== undefined) texts = [flags.text as string];
    else {
      if (io.stdinIsTTY) throw new UsageError('give --text TEXT or pipe text on stdin');
      texts = (await io.readStdin()).split(/\r?\n/).filter((l) => l.length > 0);
    }
    const out = lineWriter(io);
    for (const text of texts) {
      const ids = tok.encodeSequence(text).ids;
      out.line(JSON.stringify({ text, tokens: tok.convertIdsToTokens(ids), ids }));
    }
    out.flush();
    return 0;
  },
};

const buildShardsCmd: Command = {
  name: 'build-shards',
  summary: 'Corpus files → sentences → packed token sequences in bigs shard files (+ manifest.json).',
  details:
    'Masking is not stored: MlmBatchLoader applies it at batch time (seeded, so resumed runs see the same batches).',
  flags: [
    {
      name: 'input',
      type: 'strings',
      required: true,
      placeholder: 'FILE',
      description: 'Corpus files or directories.',
    },
    { name: 'format', type: 'string', choices: FORMATS, default: 'auto', description: 'Input format.' },
    ...vocabFlags,
    { name: 'out', type: 'string', required: true, placeholder: 'DIR', description: 'Output directory.' },
    {
      name: 'max-seq-length',
      type: 'integer',
      default: 128,
      placeholder: 'N',
      description: 'Tokens per sequence incl. [CLS]/[SEP].',
    },
    { name: 'seed', type: 'integer', default: 42, placeholder: 'S', description: 'Packing seed.' },
    {
      name: 'short-seq-prob',
      type: 'number',
      default: 0.1,
      placeholder: 'P',
      description: 'Probability of a shorter target length.',
    },
    {
      name: 'two-segments',
      type: 'boolean',
      description: 'Pack [CLS] A [SEP] B [SEP] (default: one segment, as BiGS).',
    },
    {
      name: 'sequences-per-shard',
      type: 'integer',
      default: 65536,
      placeholder: 'N',
      description: 'Sequences per shard file.',
    },
    {
      name: 'blank-line-documents',
      type: 'boolean',
      description: 'Plain text: a blank line ends a document (default: one document per file).',
    },
    utf8Flag,
  ],
  async run(flags, io) {
    const tok = await tokenizerFrom(flags);
    const maxSeqLength = flags['max-seq-length'] as number;
    if (maxSeqLength < 3) throw new UsageError(`--max-seq-length must be ≥ 3, got ${maxSeqLength}`);
    const p = flags['short-seq-prob'] as number;
    if (!(p >= 0 && p <= 1)) throw new UsageError(`--short-seq-prob must be in [0, 1], got ${p}`);
    const inputs = flags.input as string[];
    const t0 = Date.now();
    const m = await withUtf8Hint(() =>
      buildShards(
        readCorpus(inputs, {
          format: flags.format as CorpusFormat | 'auto',
          blankLineSeparatesDocuments: Boolean(flags['blank-line-documents']),
          ...decodeOption(flags),
        }),
        fromBertTokenizer(tok),
        {
          outDir: flags.out as string,
          maxSeqLength,
          seed: flags.seed as number,
          shortSeqProb: p,
          twoSegments: Boolean(flags['two-segments']),
          sequencesPerShard: flags['sequences-per-shard'] as number,
          build: { inputs, vocab: flags.tokenizer ?? 'embedded', format: flags.format },
          progressEvery: 1000,
          onProgress: (s) =>
            io.stderr(
              `\rdocuments ${s.documents}  sentences ${s.sentences}  tokens ${s.tokens}  sequences ${s.sequences}`,
            ),
        },
      ),
    );
    const secs = (Date.now() - t0) / 1000;
    io.stderr(`\n`);
    io.stdout(
      `${JSON.stringify({ out: flags.out, ...m.stats, shards: m.shards.length, seconds: secs, tokensPerSecond: Math.round(m.stats.tokens / Math.max(secs, 1e-3)) })}\n`,
    );
    return 0;
  },
};

const stats: Command = {
  name: 'stats',
  summary: 'Count documents, sentences and tokens of corpus files (--input) or of a shard set (--shards).',
  flags: [
    { name: 'input', type: 'strings', placeholder: 'FILE', description: 'Corpus files or directories.' },
    { name: 'format', type: 'string', choices: FORMATS, default: 'auto', description: 'Input format.' },
    {
      name: 'shards',
      type: 'string',
      placeholder: 'DIR',
      description: 'A directory written by build-shards.',
    },
    {
      name: 'blank-line-documents',
      type: 'boolean',
      description: 'Plain text: a blank line ends a document.',
    },
    utf8Flag,
    ...vocabFlags,
  ],
  async run(flags, io) {
    if (flags.shards !== undefined) {
      const set = ShardSet.open(flags.shards as string);
      const m = set.manifest;
      const tokens = m.shards.reduce((a, s) => a + s.numTokens, 0);
      io.stdout(
        `${JSON.stringify({ ...m.stats, shards: m.shards.length, tokensInShards: tokens, maxSeqLength: m.maxSeqLength, twoSegments: m.twoSegments, vocabSize: m.vocab.vocabSize })}\n`,
      );
      return 0;
    }
    if (flags.input === undefined) throw new UsageError('give --input FILE... or --shards DIR');
    const tok = flags.tokenizer !== undefined ? await tokenizerFrom(flags) : null;
    const s = { documents: 0, paragraphs: 0, sentences: 0, characters: 0, tokens: null as number | null };
    if (tok) s.tokens = 0;
    await withUtf8Hint(async () => {
      for await (const doc of readCorpus(flags.input as string[], {
        format: flags.format as CorpusFormat | 'auto',
        blankLineSeparatesDocuments: Boolean(flags['blank-line-documents']),
        ...decodeOption(flags),
      })) {
        s.documents++;
        for (const p of doc.paragraphs) {
          s.paragraphs++;
          s.characters += p.length;
          for (const sent of splitSentences(p)) {
            s.sentences++;
            if (tok && s.tokens !== null) s.tokens += tok.encodeSequence(sent).ids.length;
          }
        }
      }
    });
    io.stdout(`${JSON.stringify(s)}\n`);
    return 0;
  },
};

/** `bigs data …`: GLUE export, tokenization, pretraining shards and corpus statistics. */
export const dataCommands: CommandGroup = {
  name: 'data',
  summary: 'GLUE export, tokenization, pretraining shards, corpus statistics',
  commands: [glue, tokenize, buildShardsCmd, stats],
};

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { analyzeModel, type SensitivityMethod, TEXT_EXCERPT_CHARS, TEXT_FILE } from '@bigs/analysis';
import { type BackendRequest, initEngine } from '@bigs/ssm-kernels';
import type { CliIO, Command, CommandGroup, ParsedFlags } from '../router.js';
import { flagsToArgv, UsageError } from '../router.js';
import { backendFlag } from './text-io.js';

function intList(flag: string, v: string[] | undefined): number[] | undefined {
  if (v === undefined) return undefined;
  return v
    .flatMap((s) => s.split(','))
    .filter((s) => s.trim() !== '')
    .map((s) => {
      const n = Number(s);
      if (!Number.isInteger(n) || n < 0)
        throw new UsageError(`--${flag} takes non-negative integers, got "${s}"`);
      return n;
    });
}

/** The text to analyse: `--text`, or the contents of `--text-file`; an empty one is an error. */
async function inputText(flags: ParsedFlags): Promise<string | undefined> {
  const text = flags.text as string | undefined;
  const file = flags['text-file'] as string | undefined;
  if (text !== undefined && file !== undefined) throw new UsageError('pass --text or --text-file, not both');
  if (text !== undefined) {
    if (text.trim() === '')
      throw new UsageError('--text is empty: pass a sentence, or leave --text out for the default sentence');
    return text;
  }
  if (file === undefined) return undefined;
  let content: string;
  try {
    content = await readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError(`--text-file ${file}: cannot read (${(e as Error).message})`);
  }
  if (content.trim() === '')
    throw new UsageError(`--text-file ${file} is empty: it must hold the text to analyse`);
  return content;
}

/**
 * The command that reproduces this run, unquoted (the report quotes it for a POSIX shell). A text too long for the
 * report is read back from the copy the analysis saves next to it ({@link TEXT_FILE}) rather than pasted.
 */
export function reproduceCommand(specs: Command['flags'], flags: ParsedFlags): string[] {
  const f: ParsedFlags = { ...flags };
  const text = f.text as string | undefined;
  if (text !== undefined && text.length > TEXT_EXCERPT_CHARS) {
    f.text = undefined;
    f['text-file'] = join(f.out as string, TEXT_FILE);
  }
  return ['pnpm', '--silent', 'bigs', 'analyze', 'run', ...flagsToArgv(specs, f)];
}

async function run(flags: ParsedFlags, io: CliIO): Promise<number> {
  const text = await inputText(flags);
  await initEngine({ backend: flags.backend as BackendRequest, quiet: true });
  const quiet = Boolean(flags.quiet);
  const probeLayers = intList('probe-layers', flags['probe-layers'] as string[] | undefined);
  const result = await analyzeModel({
    modelDir: flags.model as string,
    outDir: flags.out as string,
    ...(text !== undefined ? { text } : {}),
    ...(flags.conllu !== undefined ? { conllu: flags.conllu as string } : {}),
    ...(flags.layers !== undefined ? { layers: intList('layers', flags.layers as string[])! } : {}),
    ...(flags.length !== undefined ? { length: flags.length as number } : {}),
    ...(flags['interaction-length'] !== undefined
      ? { interactionLength: flags['interaction-length'] as number }
      : {}),
    ...(flags['sensitivity-layer'] !== undefined
      ? { sensitivityLayer: flags['sensitivity-layer'] as number }
      : {}),
    sensitivityMethod: flags['sensitivity-method'] as SensitivityMethod,
    numProjections: flags.projections as number,
    ...(flags.tokenizer !== undefined ? { tokenizer: flags.tokenizer as string } : {}),
    probe: {
      ...(probeLayers ? { layers: probeLayers } : {}),
      pooling: flags.pooling as 'first' | 'mean',
      maxSentences: flags['max-sentences'] as number,
      seed: flags.seed as number,
      probe: { epochs: flags['probe-epochs'] as number },
    },
    onProgress: quiet ? () => {} : (m) => io.stderr(`analyze: ${m}\n`),
    onWarning: (m) => io.stderr(`bigs analyze: warning: ${m}\n`),
    command: reproduceCommand(analyzeRun.flags, flags),
  });
  io.stdout(`${JSON.stringify({ out: result.outDir, files: result.files, kernels: result.kernels.kind })}\n`);
  return 0;
}

const analyzeRun: Command = {
  name: 'run',
  summary: 'Analyse a saved model: SSM kernels, interaction maps, sensitivity maps, probes; SVGs + report.',
  details:
    'Writes into --out: kernels-lines.svg, kernels-heatmap.svg, interaction-layer<i>.svg (BiGS only),\n' +
    'sensitivity.svg, probing.svg (with --conllu), report.md, report.html (self-contained), analysis.json,\n' +
    `and ${TEXT_FILE} when the text is longer than the ${TEXT_EXCERPT_CHARS}-character excerpt the report quotes.\n` +
    'Attention models get "no SSM kernels: attention routing" in the kernel sections.',
  flags: [
    {
      name: 'model',
      type: 'string',
      required: true,
      placeholder: 'DIR',
      description: 'Model directory (config.json + weights).',
    },
    {
      name: 'out',
      type: 'string',
      required: true,
      placeholder: 'DIR',
      description: 'Output directory (created).',
    },
    {
      name: 'text',
      type: 'string',
      placeholder: 'TEXT',
      description:
        'Sentence for the sensitivity map (not empty; tokens beyond max_position_embeddings are cut, with a warning).',
    },
    {
      name: 'text-file',
      type: 'string',
      placeholder: 'FILE',
      description: 'Read the sentence for the sensitivity map from a UTF-8 file (instead of --text).',
    },
    {
      name: 'conllu',
      type: 'string',
      placeholder: 'FILE',
      description: 'CoNLL-U treebank for the linear probes (UPOS, tree depth).',
    },
    {
      name: 'layers',
      type: 'strings',
      placeholder: 'I',
      description: 'Blocks (0-based) whose static interaction maps are drawn (default: first, middle, last).',
    },
    {
      name: 'length',
      type: 'integer',
      placeholder: 'N',
      description: 'Kernel length (default max_position_embeddings).',
    },
    {
      name: 'interaction-length',
      type: 'integer',
      placeholder: 'N',
      description: 'Size of the interaction maps (default min(length, 48)).',
    },
    {
      name: 'sensitivity-layer',
      type: 'integer',
      placeholder: 'I',
      description: 'Hidden state for the sensitivity map (0 = embeddings; default last).',
    },
    {
      name: 'sensitivity-method',
      type: 'string',
      choices: ['auto', 'exact', 'projection'],
      default: 'auto',
      description:
        'Exact Jacobian norms (H backward rows per token) or a random-projection estimate; auto = exact when H <= 64.',
    },
    {
      name: 'projections',
      type: 'integer',
      default: 32,
      placeholder: 'K',
      description: 'Random projections per token (projection method).',
    },
    {
      name: 'tokenizer',
      deprecatedAliases: ['vocab', 'tokenizer-name'],
      type: 'string',
      placeholder: 'PATH',
      description: 'Tokenizer dir/file (default: the model dir, else the embedded one).',
    },
    {
      name: 'probe-layers',
      type: 'strings',
      placeholder: 'I',
      description: 'Hidden states to probe (0 = embeddings; default all).',
    },
    {
      name: 'pooling',
      type: 'string',
      choices: ['first', 'mean'],
      default: 'first',
      description: 'Word vector from its sub-tokens.',
    },
    {
      name: 'max-sentences',
      type: 'integer',
      default: 400,
      placeholder: 'N',
      description: 'Sentences of the CoNLL-U file used.',
    },
    {
      name: 'probe-epochs',
      type: 'integer',
      default: 40,
      placeholder: 'N',
      description: 'Probe training epochs.',
    },
    {
      name: 'seed',
      type: 'integer',
      default: 0,
      placeholder: 'N',
      description: 'Seed of the train/dev split and probe batches.',
    },
    backendFlag(),
    { name: 'quiet', type: 'boolean', description: 'No progress lines on stderr.' },
  ],
  run,
};

/** `bigs analyze …` */
export const analyzeCommands: CommandGroup = {
  name: 'analyze',
  summary: 'Analyse a model (@bigs/analysis): kernels, interaction and sensitivity maps, probes, report.',
  commands: [analyzeRun],
  defaultCommand: 'run',
};

import { existsSync, statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  EXPORT_TARGETS,
  type ExportReport,
  type ExportTarget,
  exportModel,
  fromPretrained,
} from '@bigs/models';
import { type BackendRequest, initEngine } from '@bigs/ssm-kernels';
import { type CliIO, type Command, type CommandGroup, type ParsedFlags, UsageError } from '../router.js';
import { backendFlag } from './text-io.js';

/** Tokenizer files copied next to the exported model when the model directory has them. */
export const TOKENIZER_FILES = [
  'vocab.txt',
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
];

/** The output directory must be new or empty, and not the model directory (its config.json would be replaced). */
async function checkOut(modelDir: string, out: string): Promise<void> {
  if (resolve(out) === resolve(modelDir)) {
    throw new UsageError(`--out ${out}: is the model directory; choose a new directory for the export`);
  }
  if (!existsSync(out)) return;
  if (!statSync(out).isDirectory()) throw new UsageError(`--out ${out}: is a file; choose a new directory`);
  const entries = await readdir(out);
  if (entries.length > 0) {
    throw new UsageError(
      `--out ${out}: is not empty (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}); choose a new ` +
        'directory so no stale weight file of another format stays beside the export',
    );
  }
}

/** The report printed after an export: files, notes, drift. */
export function exportSummary(out: string, report: ExportReport): string {
  const lines = [`exported for ${report.target} to ${out}: ${report.files.join(', ')}`];
  if (report.differences.length === 0) lines.push(`semantics: identical to the ${report.target} code`);
  for (const n of report.notes) lines.push(`note: ${n}`);
  return `${lines.join('\n')}\n`;
}

async function run(flags: ParsedFlags, io: CliIO): Promise<number> {
  const dir = flags.model as string;
  const out = flags.out as string;
  const to = flags.to as ExportTarget;
  if (!existsSync(dir)) throw new UsageError(`--model ${dir}: does not exist`);
  await checkOut(dir, out);
  await initEngine({ backend: flags.backend as BackendRequest, quiet: true });
  const { model } = await fromPretrained(dir, { logger: (m) => io.stderr(`note: ${m}\n`) });
  try {
    const extraFiles: Record<string, Uint8Array> = {};
    for (const f of TOKENIZER_FILES) {
      if (existsSync(join(dir, f))) extraFiles[f] = await readFile(join(dir, f));
    }
    const report = await exportModel(model, out, {
      to,
      allowSemanticsChange: flags['allow-semantics-change'] === true,
      extraFiles,
    });
    io.stdout(exportSummary(out, report));
  } finally {
    model.dispose();
  }
  return 0;
}

const exportRun: Command = {
  name: 'run',
  summary:
    'Export a model for the official BiGS code: the PyTorch port (model.safetensors) or JAX/Flax (flax_model.msgpack).',
  details:
    'Example: pnpm --silent bigs export --model runs/pretrain-tiny --to pytorch --out runs/tiny-pt\n' +
    'Writes config.json with the official BiGSConfig keys only, the weights under the target names (the port: its\n' +
    'full state_dict with pooler, tied decoder and position_ids; Flax: its params tree) and the tokenizer files.\n' +
    'When the target computes differently (the port: erf GELU in the blocks; Flax: kernel of length\n' +
    'max_position_embeddings) the export is refused with the reason and the measured drift on a probe batch;\n' +
    '--allow-semantics-change exports anyway. Train with --semantics pytorch|flax to avoid the drift.',
  flags: [
    {
      name: 'model',
      type: 'string',
      required: true,
      placeholder: 'DIR',
      description: 'Model directory to export.',
    },
    {
      name: 'to',
      type: 'string',
      required: true,
      choices: EXPORT_TARGETS,
      description: 'Target code: pytorch (the authors’ port) or flax (the official JAX trainer).',
    },
    {
      name: 'out',
      type: 'string',
      required: true,
      placeholder: 'DIR',
      description: 'New (or empty) output directory.',
    },
    {
      name: 'allow-semantics-change',
      type: 'boolean',
      description: 'Export even when the target computes different outputs (the drift is reported).',
    },
    backendFlag('TensorFlow.js backend for the semantics probe'),
  ],
  run,
};

/** `bigs export …` */
export const exportCommands: CommandGroup = {
  name: 'export',
  summary: 'Export a model for the official JAX/Flax trainer or the PyTorch port (@bigs/models).',
  commands: [exportRun],
  defaultCommand: 'run',
};

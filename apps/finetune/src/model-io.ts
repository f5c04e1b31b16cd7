import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type BertTokenizer, formatVocabTxt, loadTokenizer, toTokenizerJson } from '@bigs/data';
import {
  type BiGSConfig,
  type BiGSForSequenceClassification,
  CheckpointMismatchError,
  FLAX_NAME,
  fromPretrained,
  SAFETENSORS_NAME,
  type Semantics,
  savePretrained,
  semanticsConfig,
} from '@bigs/models';

/** Check that `dir` is a model directory (config.json + weights); errors name the directory and the flag. */
export function checkModelDir(dir: string, flag = '--model-name-or-path'): void {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`${flag} ${dir}: no such directory`);
  if (!existsSync(join(dir, 'config.json'))) throw new Error(`${flag} ${dir}: no config.json in it`);
  if (!existsSync(join(dir, SAFETENSORS_NAME)) && !existsSync(join(dir, FLAX_NAME))) {
    throw new Error(`${flag} ${dir}: no weights in it (expected ${SAFETENSORS_NAME} or ${FLAX_NAME})`);
  }
}

/**
 * The tokenizer: `--tokenizer-name` when given, else the model directory's tokenizer.json / vocab.txt.
 * (The official checkpoints ship none: they use bert-base-uncased's vocab.txt, which you pass here.)
 */
export async function loadRunTokenizer(
  modelDir: string,
  tokenizerName: string | null,
): Promise<BertTokenizer> {
  const path = tokenizerName ?? modelDir;
  if (tokenizerName !== null && !existsSync(tokenizerName)) {
    throw new Error(`--tokenizer-name ${tokenizerName}: no such file or directory`);
  }
  if (
    tokenizerName === null &&
    !existsSync(join(modelDir, 'tokenizer.json')) &&
    !existsSync(join(modelDir, 'vocab.txt'))
  ) {
    throw new Error(
      `--model-name-or-path ${modelDir}: holds no tokenizer (tokenizer.json or vocab.txt); pass --tokenizer-name PATH ` +
        `(the official BiGS checkpoints use bert-base-uncased's vocab.txt)`,
    );
  }
  try {
    return await loadTokenizer(path);
  } catch (e) {
    throw new Error(
      `${tokenizerName ? '--tokenizer-name' : '--model-name-or-path'} ${path}: ${(e as Error).message}`,
    );
  }
}

/** What a task needs of the classification head. */
export interface HeadSpec {
  /** Label names (index = id); null = regression with one output. */
  labelNames: string[] | null;
}

/**
 * Load a sequence-classification model for a task: backbone from the checkpoint, pooler/classifier fresh when the
 * checkpoint has none (an MLM checkpoint), re-initialised when the label count differs and
 * `ignoreMismatchedSizes` is set (HF semantics, limited to the task head: a mis-shaped backbone tensor is an
 * error naming it, with or without the flag). id2label/label2id and problem_type follow the task.
 */
export async function loadClassifier(
  dir: string,
  head: HeadSpec,
  options: {
    ignoreMismatchedSizes: boolean;
    seed: number;
    log: (m: string) => void;
    semantics?: Semantics | null;
  },
): Promise<BiGSForSequenceClassification> {
  const names = head.labelNames ?? ['LABEL_0'];
  const overrides: Partial<BiGSConfig> = {
    numLabels: names.length,
    id2label: Object.fromEntries(names.map((n, i) => [String(i), n])),
    label2id: Object.fromEntries(names.map((n, i) => [n, i])),
    problemType: head.labelNames === null ? 'regression' : 'single_label_classification',
    ...(options.semantics ? semanticsConfig(options.semantics) : {}),
  };
  try {
    const { model } = await fromPretrained(dir, {
      head: 'sequence-classification',
      overrides,
      ignoreMismatchedSizes: options.ignoreMismatchedSizes,
      seed: options.seed,
      logger: options.log,
    });
    return model as BiGSForSequenceClassification;
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0];
    // The label-count advice only when it is the whole story: nothing but task-head tensors differ.
    if (
      e instanceof CheckpointMismatchError &&
      !options.ignoreMismatchedSizes &&
      e.missing.length === 0 &&
      e.unexpected.length === 0 &&
      e.misShaped.length > 0 &&
      e.misShaped.every((m) => m.taskHead)
    ) {
      const bias = e.misShaped.find((m) => m.name.endsWith('bias') && m.shape.length === 1);
      const counts = bias
        ? `${bias.shape[0]} in the checkpoint, ${names.length} for this task`
        : `${names.length}`;
      throw new Error(
        `--model-name-or-path ${dir}: its classifier has another label count than this task (${counts}); ` +
          `pass --ignore-mismatched-sizes to re-initialise it (${msg})`,
      );
    }
    throw new Error(`--model-name-or-path ${dir}: ${msg}`);
  }
}

/** Save the finetuned model with its tokenizer (config.json last, every file atomic). */
export async function saveFinetuned(
  model: BiGSForSequenceClassification,
  tok: BertTokenizer,
  dir: string,
): Promise<void> {
  await savePretrained(model, dir, {
    tokenizerFiles: {
      'vocab.txt': formatVocabTxt(tok.vocab),
      'tokenizer.json': `${JSON.stringify(toTokenizerJson(tok), null, 2)}\n`,
    },
  });
}

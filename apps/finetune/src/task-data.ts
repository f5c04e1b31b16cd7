import { resolveGlueSource } from '@bigs/data';
import { type Example, loadExamples, readScrolls, scrollsExamples, scrollsLabelSet } from './examples.js';
import type { FinetuneOptions } from './options.js';
import { AX_FILE, type TaskName, type TaskSpec, taskSpec } from './tasks.js';

/** A test split to predict: the submission file it goes to and how labels are written. */
export interface TestExamples {
  file: string;
  examples: Example[];
  labelNames: string[] | null;
  names: boolean;
}

/** The examples of one task run: training, labelled evaluation splits, unlabelled test splits. */
export interface TaskData {
  spec: TaskSpec;
  train: Example[];
  evalExamples: Array<{ suffix: string; examples: Example[] }>;
  testExamples: TestExamples[];
}

type DataOptions = Pick<
  FinetuneOptions,
  | 'dataDir'
  | 'allowInvalidUtf8'
  | 'trainFile'
  | 'validationFile'
  | 'testFile'
  | 'splitInputPair'
  | 'doPredict'
  | 'maxTrainSamples'
  | 'maxEvalSamples'
> & { task: TaskName };

function hasSplit(dataDir: string, task: string, split: string): boolean {
  try {
    resolveGlueSource(dataDir, task, split);
    return true;
  } catch {
    return false;
  }
}

const decodeOf = (o: DataOptions) => ({ invalidUtf8: o.allowInvalidUtf8 ? 'replace' : 'error' }) as const;

/** A SCROLLS-style task from JSON-lines files; the label set is the training outputs. */
async function scrollsData(o: DataOptions): Promise<TaskData> {
  const decode = decodeOf(o);
  const trainRows = await readScrolls(o.trainFile!, o.splitInputPair, decode);
  const labels = scrollsLabelSet(trainRows, o.trainFile!);
  const val = await readScrolls(o.validationFile!, o.splitInputPair, decode);
  const data: TaskData = {
    spec: taskSpec('scrolls', labels),
    train: scrollsExamples(trainRows, labels, o.trainFile!),
    evalExamples: [{ suffix: '', examples: scrollsExamples(val, labels, o.validationFile!) }],
    testExamples: [],
  };
  if (o.testFile && o.doPredict) {
    const test = await readScrolls(o.testFile, o.splitInputPair, decode);
    const examples = test.map((r) => ({ id: r.id, textA: r.textA, textB: r.textB, label: null }));
    data.testExamples.push({ file: 'scrolls_predictions.json', examples, labelNames: labels, names: true });
  }
  return data;
}

/** A GLUE or embedded task: its train and dev splits, and the test splits present in `--data-dir`. */
async function glueData(o: DataOptions): Promise<TaskData> {
  const src = { dataDir: o.dataDir, ...decodeOf(o) };
  const spec = taskSpec(o.task);
  const data: TaskData = {
    spec,
    train: await loadExamples(o.task, 'train', src),
    evalExamples: [],
    testExamples: [],
  };
  for (const s of spec.evalSplits) {
    data.evalExamples.push({ suffix: s.suffix, examples: await loadExamples(o.task, s.split, src) });
  }
  if (!o.doPredict || !o.dataDir) return data;
  const unlabelled = async (task: TaskName | 'ax', split: string) =>
    (await loadExamples(task, split, src)).map((e) => ({ ...e, label: null }));
  for (const t of spec.testSplits) {
    if (!hasSplit(o.dataDir, o.task, t.split)) continue;
    const examples = await unlabelled(o.task, t.split);
    data.testExamples.push({
      file: t.file,
      examples,
      labelNames: spec.labelNames,
      names: spec.submissionNames,
    });
  }
  if (o.task === 'mnli' && hasSplit(o.dataDir, 'ax', 'test')) {
    const examples = await unlabelled('ax', 'test');
    data.testExamples.push({ file: AX_FILE, examples, labelNames: spec.labelNames, names: true });
  }
  return data;
}

/**
 * Load a task's examples (SCROLLS files, or GLUE / embedded splits), cut to `--max-train-samples` and
 * `--max-eval-samples`; an evaluation split with unlabelled rows is an error.
 */
export async function loadTaskData(o: DataOptions): Promise<TaskData> {
  const data = o.task === 'scrolls' ? await scrollsData(o) : await glueData(o);
  if (o.maxTrainSamples !== null) data.train = data.train.slice(0, o.maxTrainSamples);
  if (o.maxEvalSamples !== null) {
    for (const e of data.evalExamples) e.examples = e.examples.slice(0, o.maxEvalSamples);
  }
  for (const e of data.evalExamples) {
    if (e.examples.some((x) => x.label === null))
      throw new Error(`${o.task}: evaluation split has unlabelled rows`);
  }
  return data;
}

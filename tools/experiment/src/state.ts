import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from '@bigs/common';

/**
 * Resume bookkeeping. A step is finished when its output dir holds `experiment-done.json`, written (atomically)
 * only after the command exited 0. An unfinished pretraining step is simply run again: `pnpm pretrain` resumes
 * an existing output dir exactly from its latest checkpoint; an unfinished finetune (minutes) starts over.
 */

const DONE = 'experiment-done.json';

/** What the marker records. */
export interface DoneRecord {
  command: string[];
  /** Wall seconds of the invocation that finished (earlier interrupted invocations are not included). */
  wallSeconds: number;
  finishedAt: string;
}

export function isDone(dir: string): boolean {
  return existsSync(join(dir, DONE));
}

export function markDone(dir: string, record: DoneRecord): void {
  writeFileAtomicSync(join(dir, DONE), `${JSON.stringify(record, null, 2)}\n`);
}

export function readDone(dir: string): DoneRecord | null {
  const path = join(dir, DONE);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as DoneRecord) : null;
}

/**
 * Record the settings of the experiment in `<out>/plan.json`, or check that an existing one matches: resuming an
 * output dir with other settings would mix runs, so that is an error naming the settings that differ.
 */
export function checkOrWritePlan(out: string, settings: Record<string, unknown>): 'new' | 'resumed' {
  const path = join(out, 'plan.json');
  if (!existsSync(path)) {
    writeFileAtomicSync(path, `${JSON.stringify(settings, null, 2)}\n`);
    return 'new';
  }
  let old: Record<string, unknown>;
  try {
    old = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${path}: not valid JSON (${(e as Error).message}); delete it or use another --out`);
  }
  const keys = new Set([...Object.keys(old), ...Object.keys(settings)]);
  const differ = [...keys].filter((k) => JSON.stringify(old[k]) !== JSON.stringify(settings[k]));
  if (differ.length > 0) {
    throw new Error(
      `--out ${out}: holds an experiment with other settings (${differ.join(', ')} differ, see ${path}); ` +
        'rerun with the same flags to resume it, or pass another --out',
    );
  }
  return 'resumed';
}

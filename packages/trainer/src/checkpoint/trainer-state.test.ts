import { describe, expect, it } from 'vitest';
import { type TrainerStateFile, validateTrainerState } from './trainer-state.js';

const VALID: TrainerStateFile = {
  format: 'bigs-trainer-state',
  version: 1,
  global_step: 6,
  max_steps: 10,
  epoch: 0,
  tokens_seen: 96,
  elapsed_seconds: 1.5,
  gradient_accumulation_steps: 2,
  optimizer: {
    type: 'adamw',
    step: 6,
    beta1: 0.9,
    beta2: 0.98,
    epsilon: 1e-6,
    file: 'optimizer.safetensors',
  },
  scheduler: {
    kind: 'linear',
    peakLearningRate: 1e-3,
    totalSteps: 10,
    warmupSteps: 2,
    last_learning_rate: 5e-4,
  },
  rng: { seed: 42, scheme: 'x' },
  data_cursor: { epoch: 0, index: 3 },
  log_window: { lossSum: 1.25, steps: 1, tokens: 16, seconds: 0.2, metricSums: { acc: 0.5 } },
  log_history: [{ step: 5, loss: 2.5, eval_note: 'x', mfu: null }],
  best: { metric: 'eval_loss', value: 2.1, step: 4, checkpoint: 'checkpoint-4' },
};

describe('trainer_state.json schema', () => {
  it('accepts a state as the Trainer writes it, returning the same object (NaN written as null reads as NaN)', () => {
    const roundTrip = JSON.parse(JSON.stringify({ ...VALID, tokens_seen: Number.NaN }));
    const s = validateTrainerState(roundTrip, 'a/trainer_state.json');
    expect({ ...s, tokens_seen: 96 }).toEqual(VALID);
    expect(s.tokens_seen).toBeNaN();
    expect(validateTrainerState({ ...VALID, best: null }, 'x').best).toBeNull();
  });

  it('names the file, the dotted field and what it must be', () => {
    const bad = (patch: Record<string, unknown>) => () =>
      validateTrainerState({ ...VALID, ...patch }, 'c/ts.json');
    expect(bad({ format: 'other' })).toThrow("c/ts.json: format must be 'bigs-trainer-state', got 'other'");
    expect(bad({ version: 2 })).toThrow('c/ts.json: version must be 1, got 2');
    expect(bad({ global_step: undefined })).toThrow(
      'c/ts.json: global_step must be an integer, got undefined',
    );
    expect(bad({ optimizer: { ...VALID.optimizer, step: 1.5 } })).toThrow(
      'c/ts.json: optimizer.step must be an integer, got 1.5',
    );
    expect(bad({ scheduler: { ...VALID.scheduler, kind: 'exp' } })).toThrow(
      /scheduler\.kind must be 'constant'/,
    );
    expect(bad({ log_history: [{ step: 1, loss: [1] }] })).toThrow(
      'c/ts.json: log_history.0.loss must be a number, string or null, got [1]',
    );
    expect(bad({ best: { ...VALID.best, checkpoint: 3 } })).toThrow(
      'best.checkpoint must be a string or null, got 3',
    );
    expect(() => validateTrainerState([1], 'c/ts.json')).toThrow('c/ts.json: expected a JSON object');
  });
});

import { describe, expect, it } from 'vitest';
import { type BiGSConfig, createConfig, TINY } from '../config/config.js';
import {
  assertExportable,
  SEMANTICS_NAMES,
  semanticsConfig,
  semanticsDifferences,
  targetConfig,
  withSemantics,
} from './semantics.js';

const tiny = (o: Partial<BiGSConfig> = {}) => createConfig({ ...TINY, ...o });

describe('semantics mapping', () => {
  it('maps each name to the config fields that fix the arithmetic', () => {
    expect(semanticsConfig('pytorch')).toEqual({
      semantics: 'pytorch',
      blockGelu: 'erf',
      kernelLength: 'input',
    });
    expect(semanticsConfig('flax')).toEqual({
      semantics: 'flax',
      blockGelu: 'tanh',
      kernelLength: 'max_position',
    });
    expect(semanticsConfig('bigs-ts')).toEqual({
      semantics: 'bigs-ts',
      blockGelu: 'tanh',
      kernelLength: 'input',
    });
    expect(SEMANTICS_NAMES).toEqual(['bigs-ts', 'pytorch', 'flax']);
    expect(() => semanticsConfig('jax' as never)).toThrow(
      /semantics must be one of bigs-ts \| pytorch \| flax, got "jax"/,
    );
  });

  it('withSemantics changes only the arithmetic fields, never the architecture', () => {
    const c = tiny({ hiddenSize: 12, intermediateSize: 24 });
    const f = withSemantics(c, 'flax');
    expect(f).toMatchObject({
      semantics: 'flax',
      blockGelu: 'tanh',
      kernelLength: 'max_position',
      hiddenSize: 12,
    });
    expect(withSemantics(f, 'pytorch')).toMatchObject({
      blockGelu: 'erf',
      kernelLength: 'input',
      intermediateSize: 24,
    });
  });
});

describe('semanticsDifferences', () => {
  it('our default differs from the PyTorch port in the block GELU and from Flax in the kernel length', () => {
    const c = tiny();
    expect(semanticsDifferences(c, 'masked-lm', 'pytorch').map((d) => [d.field, d.ours, d.target])).toEqual([
      ['block_gelu', 'tanh', 'erf'],
    ]);
    expect(semanticsDifferences(c, 'masked-lm', 'flax').map((d) => [d.field, d.ours, d.target])).toEqual([
      ['kernel_length', 'input', 'max_position'],
    ]);
  });

  it('a model trained in the target semantics has no difference', () => {
    expect(semanticsDifferences(withSemantics(tiny(), 'pytorch'), 'masked-lm', 'pytorch')).toEqual([]);
    expect(semanticsDifferences(withSemantics(tiny(), 'flax'), 'sequence-classification', 'flax')).toEqual(
      [],
    );
    // A kernel of length P runs only at L = P, where the port's input-length kernel is the same kernel.
    expect(
      semanticsDifferences(tiny({ semantics: 'flax', blockGelu: 'erf' }), 'masked-lm', 'pytorch'),
    ).toEqual([]);
  });

  it('finds what each target hard-codes: pre_norm (port), position embeddings (Flax), first_token pooling', () => {
    const post = tiny({ semantics: 'pytorch', preNorm: false });
    expect(semanticsDifferences(post, 'masked-lm', 'pytorch').map((d) => d.field)).toEqual(['pre_norm']);
    const noPos = withSemantics(tiny({ positionEmbeddingType: 'none' }), 'flax');
    expect(semanticsDifferences(noPos, 'masked-lm', 'flax').map((d) => d.field)).toEqual([
      'position_embedding_type',
    ]);
    const cls = withSemantics(tiny({ poolerType: 'first_token' }), 'pytorch');
    expect(semanticsDifferences(cls, 'sequence-classification', 'pytorch').map((d) => d.field)).toEqual([
      'pooler_type',
    ]);
    expect(semanticsDifferences(cls, 'masked-lm', 'pytorch')).toEqual([]); // the MLM head does not use the pooler
    expect(targetConfig(cls, 'sequence-classification', 'pytorch').poolerType).toBe('non_padding_mean');
  });

  it('refuses architectures the official BiGS code does not have, naming them', () => {
    const bert = tiny({
      blockArchitecture: 'stack',
      routing: 'attention',
      preNorm: false,
      modelType: 'bert',
    });
    expect(() => assertExportable(bert, 'pytorch')).toThrow(
      /this model is bert\/stack\/attention .*only BiGS\/gated\/bissm layers/,
    );
    expect(() => semanticsDifferences(tiny({ routing: 'attention' }), 'base', 'flax')).toThrow(
      /BiGS\/gated\/attention/,
    );
  });
});

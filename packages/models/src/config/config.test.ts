import { describe, expect, it } from 'vitest';
import {
  BERT_BASE,
  BIGS_LARGE,
  CONFIG_FIELDS,
  configFromJSON,
  configToJSON,
  createConfig,
  DEFAULT_CONFIG,
  TINY,
} from './config.js';

/** The architecture fields a config.json must state (tiny sizes). */
const ARCH = {
  vocab_size: 50,
  hidden_size: 8,
  num_hidden_layers: 2,
  intermediate_size: 16,
  max_position_embeddings: 16,
  type_vocab_size: 2,
  num_ssm: 4,
};

describe('BiGSConfig', () => {
  it('has the official defaults (configuration_bigs.py)', () => {
    const c = createConfig();
    expect(c).toMatchObject({
      vocabSize: 30522,
      hiddenSize: 768,
      numHiddenLayers: 24,
      intermediateSize: 3072,
      hiddenAct: 'gelu',
      hiddenDropoutProb: 0.1,
      maxPositionEmbeddings: 512,
      typeVocabSize: 2,
      initializerRange: 0.02,
      layerNormEps: 1e-12,
      padTokenId: 0,
      positionEmbeddingType: 'absolute',
      useCache: true,
      classifierDropout: null,
      numSsm: 64,
      preNorm: true,
      decode: false,
      scaling: 'hippo',
      poolerType: 'non_padding_mean',
      usePykeopsKernel: false,
      tieWordEmbeddings: true,
      numLabels: 2,
      modelType: 'BiGS',
    });
  });

  it('presets: released BiGS, BERT-base, tiny', () => {
    expect(createConfig(BIGS_LARGE)).toMatchObject({
      numHiddenLayers: 23,
      hiddenSize: 1024,
      intermediateSize: 3072,
      numSsm: 64,
      semantics: 'flax',
      blockGelu: 'tanh',
      kernelLength: 'max_position',
    });
    expect(createConfig(BERT_BASE)).toMatchObject({ blockArchitecture: 'stack', routing: 'attention' });
    expect(createConfig(TINY).hiddenSize).toBe(8);
  });

  it('round-trips through snake_case JSON, keeping HF bookkeeping keys', () => {
    const c = createConfig({ ...TINY, numLabels: 3, semantics: 'pytorch' });
    expect(c.blockGelu).toBe('erf');
    const json: Record<string, unknown> = {
      ...configToJSON(c),
      transformers_version: '4.26.0',
      _name_or_path: 'x',
    };
    expect(json.vocab_size).toBe(50);
    expect(json.model_type).toBe('BiGS');
    expect(
      Object.keys(json).every((k) => k === k.toLowerCase() || ['id2label', 'label2id'].includes(k)),
    ).toBe(true);
    const back = configFromJSON(JSON.parse(JSON.stringify(json)));
    expect(back.extra).toEqual({ transformers_version: '4.26.0', _name_or_path: 'x' });
    expect({ ...back, extra: {} }).toEqual({ ...c, extra: {} });
    expect(back.id2label).toEqual({ '0': 'LABEL_0', '1': 'LABEL_1', '2': 'LABEL_2' });
  });

  it('semantics decide block GELU and kernel length when the file does not say', () => {
    const flax = configFromJSON(ARCH, { defaultSemantics: 'flax' });
    expect([flax.semantics, flax.blockGelu, flax.kernelLength]).toEqual(['flax', 'tanh', 'max_position']);
    const pt = configFromJSON(ARCH, { defaultSemantics: 'pytorch' });
    expect([pt.blockGelu, pt.kernelLength]).toEqual(['erf', 'input']);
    const override = configFromJSON({ ...ARCH, semantics: 'flax', kernel_length: 'input' });
    expect(override.kernelLength).toBe('input');
  });

  it('reads an HF BERT config.json as the STACK + attention baseline', () => {
    const { num_ssm: _, ...bertArch } = ARCH;
    const c = configFromJSON({
      ...bertArch,
      model_type: 'bert',
      num_attention_heads: 4,
      hidden_size: 16,
      hidden_act: 'gelu',
    });
    expect(c).toMatchObject({
      blockArchitecture: 'stack',
      routing: 'attention',
      preNorm: false,
      blockGelu: 'erf',
    });
  });

  it('rejects unknown fields and bad values, naming the field and the expectation', () => {
    expect(() => configFromJSON({ hiden_size: 8 })).toThrow(/unknown field 'hiden_size'/);
    expect(() => configFromJSON({ hidden_size: 0 })).toThrow(/'hidden_size' must be an integer >= 1, got 0/);
    expect(() => configFromJSON({ hidden_size: '8' })).toThrow(/'hidden_size' must be an integer/);
    expect(() => configFromJSON({ hidden_dropout_prob: 1.5 })).toThrow(
      /'hidden_dropout_prob' must be a number in \[0, 1\)/,
    );
    expect(() => configFromJSON({ ...ARCH, pooler_type: 'cls' })).toThrow(
      /'pooler_type' must be "non_padding_mean"/,
    );
    expect(() => configFromJSON({ ...ARCH, decode: true })).toThrow(/'decode' must be false/);
    expect(() => configFromJSON({ ...ARCH, vocab_size: 10, pad_token_id: 10 })).toThrow(
      /'pad_token_id' must be < vocab_size/,
    );
    expect(() => configFromJSON({ ...ARCH, num_labels: 3, id2label: { 0: 'a' } })).toThrow(
      /'id2label' must have num_labels/,
    );
    expect(() => configFromJSON([1], { source: 'dir/config.json' })).toThrow(
      /dir\/config.json: must be a JSON object/,
    );
    expect(() => createConfig({ routing: 'attention', hiddenSize: 10, numAttentionHeads: 3 })).toThrow(
      /'num_attention_heads' must divide hidden_size/,
    );
  });

  it('one field table: every field rejects a value of the wrong kind, naming its config.json key and the file', () => {
    const wrong = (v: unknown) => (v === null || typeof v === 'object' ? 7 : [v]);
    const json = configToJSON(createConfig(TINY));
    for (const [key, value] of Object.entries(json)) {
      expect(
        () => configFromJSON({ ...json, [key]: wrong(value) }, { source: 'run/config.json' }),
        key,
      ).toThrow(new RegExp(`^run/config\\.json: field '${key}' must be `));
    }
    expect(() => configFromJSON({ ...ARCH, id2label: ['a', 'b'] })).toThrow(/'id2label' must be an object/);
    expect(() => configFromJSON({ ...ARCH, layer_norm_eps: Number.POSITIVE_INFINITY })).toThrow(
      /'layer_norm_eps' must be a finite number > 0/,
    );
    expect(Object.keys(json)).toEqual(Object.values(CONFIG_FIELDS).map((f) => f.json));
  });

  it('a missing architecture field is an error naming the field and the file; HF-defaulted fields default', () => {
    for (const key of Object.keys(ARCH)) {
      const json: Record<string, unknown> = { ...ARCH };
      delete json[key];
      expect(() => configFromJSON(json, { source: 'run/config.json' }), key).toThrow(
        new RegExp(`^run/config\\.json: missing architecture field '${key}' \\(.*no default`),
      );
    }
    const { hidden_size: _h, num_hidden_layers: _n, ...two } = ARCH;
    expect(() => configFromJSON(two)).toThrow(
      /config\.json: missing architecture fields 'hidden_size', 'num_hidden_layers'/,
    );
    // Attention routing needs num_attention_heads, not num_ssm.
    const { num_ssm: _s, ...noSsm } = ARCH;
    expect(() => configFromJSON({ ...noSsm, model_type: 'bert' })).toThrow(
      /missing architecture field 'num_attention_heads'/,
    );
    expect(configFromJSON({ ...noSsm, model_type: 'bert', num_attention_heads: 2 }).routing).toBe(
      'attention',
    );
    // What HF defaults may be absent: dropout probs, layer_norm_eps, initializer_range, labels, ...
    const c = configFromJSON(ARCH);
    expect(c).toMatchObject({
      hiddenSize: 8,
      hiddenDropoutProb: 0.1,
      layerNormEps: 1e-12,
      initializerRange: 0.02,
      numLabels: 2,
      tieWordEmbeddings: true,
    });
  });

  it('id2label sets num_labels when only labels are given', () => {
    expect(configFromJSON({ ...ARCH, id2label: { 0: 'e', 1: 'n', 2: 'c' } }).numLabels).toBe(3);
    expect(DEFAULT_CONFIG.extra).toEqual({});
  });
});

import { describe, expect, it } from 'vitest';
import { CELLS, parseCells } from './cells.js';

describe('cells', () => {
  it('are the 2×2 of block architecture × routing, each once', () => {
    const pairs = CELLS.map((c) => `${c.blockArchitecture}/${c.routing}`).sort();
    expect(pairs).toEqual(['gated/attention', 'gated/bissm', 'stack/attention', 'stack/bissm']);
  });
  it('parseCells keeps the canonical order and rejects unknown ids naming them', () => {
    expect(parseCells('stack-attention, gated-ssm').map((c) => c.id)).toEqual([
      'gated-ssm',
      'stack-attention',
    ]);
    expect(() => parseCells('gated-ssm,bert')).toThrow(/unknown cell "bert"; known: gated-ssm/);
    expect(() => parseCells(' , ')).toThrow(/--cells: empty list/);
  });
});

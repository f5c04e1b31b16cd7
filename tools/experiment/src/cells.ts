/**
 * The paper's 2×2: block architecture (STACK = the Transformer layout, GATED = BiGS's multiplicative gate) ×
 * routing (SSM = bidirectional S4D, `bissm`; attention). Each cell is a `block_architecture` + `routing` pair of
 * the model config.
 */

export type CellId = 'gated-ssm' | 'stack-ssm' | 'gated-attention' | 'stack-attention';

export interface Cell {
  id: CellId;
  /** How the paper names it. */
  label: string;
  blockArchitecture: 'gated' | 'stack';
  routing: 'bissm' | 'attention';
}

/** The four cells, BiGS first and the BERT-like baseline last. */
export const CELLS: readonly Cell[] = [
  { id: 'gated-ssm', label: 'GATED + SSM (BiGS)', blockArchitecture: 'gated', routing: 'bissm' },
  { id: 'stack-ssm', label: 'STACK + SSM', blockArchitecture: 'stack', routing: 'bissm' },
  { id: 'gated-attention', label: 'GATED + attention', blockArchitecture: 'gated', routing: 'attention' },
  {
    id: 'stack-attention',
    label: 'STACK + attention (BERT)',
    blockArchitecture: 'stack',
    routing: 'attention',
  },
];

/**
 * Parse `--cells a,b,…` (ids of {@link CELLS}); order follows {@link CELLS}.
 *
 * @example
 * parseCells('stack-attention,gated-ssm').map((c) => c.id); // ['gated-ssm', 'stack-attention']
 */
export function parseCells(list: string): Cell[] {
  const wanted = list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (wanted.length === 0) throw new Error(`--cells: empty list; give ids from ${cellIds()}`);
  for (const w of wanted) {
    if (!CELLS.some((c) => c.id === w)) throw new Error(`--cells: unknown cell "${w}"; known: ${cellIds()}`);
  }
  return CELLS.filter((c) => wanted.includes(c.id));
}

function cellIds(): string {
  return CELLS.map((c) => c.id).join(', ');
}

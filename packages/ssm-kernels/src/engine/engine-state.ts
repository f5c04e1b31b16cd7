import type { EngineInfo } from './engine-options.js';

export interface WasmState {
  threads: number;
  simd: boolean;
  variant: 'wasm' | 'wasm-mt';
  notes: string[];
}
/**
 * Process-wide state on `globalThis` (the tfjs engine is process-wide; this module may be evaluated
 * more than once, e.g. by test runners): the last EngineInfo and the wasm choice, which the first
 * successful wasm initialisation fixes for the life of the process.
 */
interface EngineState {
  current: EngineInfo | null;
  wasm: WasmState | null;
}
const STATE_KEY = Symbol.for('@bigs/ssm-kernels/engine');
function processState(): EngineState {
  const g = globalThis as Record<symbol, EngineState | undefined>;
  const existing = g[STATE_KEY];
  if (existing !== undefined) return existing;
  const created: EngineState = { current: null, wasm: null };
  g[STATE_KEY] = created;
  return created;
}
export const state = processState();

/** Info of the last successful {@link initEngine}, or `null` before the first. */
export function getEngineInfo(): EngineInfo | null {
  return state.current === null ? null : { ...state.current, notes: [...state.current.notes] };
}

import { CONV_DIRECTIONS, CONV_STRATEGIES, type ConvDirection, type ConvStrategy } from './types.js';

/** Sizes resolved from validated {@link longConv} arguments. */
export interface ConvDims {
  B: number;
  L: number;
  H: number;
  /** `true` when k is [L] (one kernel shared by every channel), `false` when k is [H, L]. */
  sharedKernel: boolean;
}

const fmt = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/**
 * Checks the shapes of u [B, L, H], k [L] | [H, L] and d [1] | [H] and returns the sizes.
 * Throws an `Error` naming the argument with the expected and the actual shape.
 */
export function validateConvShapes(
  uShape: readonly number[],
  kShape: readonly number[],
  dShape?: readonly number[],
): ConvDims {
  if (uShape.length !== 3) {
    throw new Error(
      `longConv: u must have rank 3 [B, L, H], got shape ${fmt(uShape)} (rank ${uShape.length})`,
    );
  }
  const [B, L, H] = uShape as [number, number, number];
  if (L < 1) throw new Error(`longConv: u [B, L, H] must have L ≥ 1, got shape ${fmt(uShape)}`);
  let sharedKernel: boolean;
  if (kShape.length === 1) {
    sharedKernel = true;
    if (kShape[0] !== L) {
      throw new Error(
        `longConv: k must be [L] = [${L}] (L from u ${fmt(uShape)}) or [H, L] = [${H}, ${L}], got shape ${fmt(kShape)}`,
      );
    }
  } else if (kShape.length === 2) {
    sharedKernel = false;
    if (kShape[0] !== H || kShape[1] !== L) {
      throw new Error(
        `longConv: per-channel k must be [H, L] = [${H}, ${L}] (from u ${fmt(uShape)}), got shape ${fmt(kShape)}`,
      );
    }
  } else {
    throw new Error(
      `longConv: k must have rank 1 [L] = [${L}] or rank 2 [H, L] = [${H}, ${L}], got shape ${fmt(kShape)} (rank ${kShape.length})`,
    );
  }
  if (dShape !== undefined) {
    if (dShape.length !== 1 || (dShape[0] !== 1 && dShape[0] !== H)) {
      throw new Error(`longConv: d must be [1] (shared) or [H] = [${H}], got shape ${fmt(dShape)}`);
    }
  }
  return { B, L, H, sharedKernel };
}

/** Validates `opts.direction`, returning the default `causal` when absent. */
export function validateDirection(direction: unknown): ConvDirection {
  if (direction === undefined) return 'causal';
  if (!CONV_DIRECTIONS.includes(direction as ConvDirection)) {
    throw new Error(
      `longConv: opts.direction must be one of ${CONV_DIRECTIONS.map((s) => `'${s}'`).join(', ')}, got ${JSON.stringify(direction)}`,
    );
  }
  return direction as ConvDirection;
}

/** Validates `opts.strategy`, returning the default `auto` when absent. */
export function validateStrategy(strategy: unknown): ConvStrategy {
  if (strategy === undefined) return 'auto';
  if (!CONV_STRATEGIES.includes(strategy as ConvStrategy)) {
    throw new Error(
      `longConv: opts.strategy must be one of ${CONV_STRATEGIES.map((s) => `'${s}'`).join(', ')}, got ${JSON.stringify(strategy)}`,
    );
  }
  return strategy as ConvStrategy;
}

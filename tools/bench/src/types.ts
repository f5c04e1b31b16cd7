/** One measured row of a benchmark table. */
export interface BenchRow {
  /** Suite name, e.g. `long-conv`, `dense`. */
  suite: string;
  /** What was run, e.g. `fft causal L=4096`. */
  name: string;
  /** Backend or engine, e.g. `wasm`, `wasm-mt`, `cpu`, `torch-t2`. */
  backend: string;
  /** `fwd` or `fwd+bwd`. */
  pass: 'fwd' | 'fwd+bwd';
  /** Shape and size parameters (L, B, H, M, K, N, ...). */
  params: Record<string, number | string>;
  /** Median wall time in milliseconds over `runs` timed runs (after warm-up). */
  medianMs: number;
  /** All timed runs, milliseconds. */
  runsMs: number[];
  /** Useful floating-point work per run (GFLOP), when meaningful. */
  gflop?: number;
  /** Derived rate. */
  gflops?: number;
  /**
   * The reference row this one is compared with (same suite, same run), written `<name> <pass>` of that row
   * (e.g. `torch 1024x768->3072 fwd`), and the ratio ours/reference. Backends run in separate child processes:
   * when the reference row comes from another child (torch), leave `ratio` unset and the runner fills it in
   * while merging. The runner also links a row without `reference` to a torch row named `torch <name>`.
   */
  reference?: string;
  ratio?: number;
  /** Free-form note (e.g. why a case was skipped). */
  note?: string;
}

/** A benchmark suite: given the backends available in this run, produce rows. */
export interface BenchSuite {
  name: string;
  run(ctx: BenchContext): Promise<BenchRow[]>;
}

export interface BenchContext {
  /** Backends to measure on, e.g. ['wasm', 'cpu']. The suite switches with `tf.setBackend`. */
  backends: string[];
  /** Quick mode (smaller sizes / fewer runs) for smoke-testing the bench itself. */
  quick: boolean;
  /** Path to a python3 with torch, or null when PyTorch is absent (skip reference rows cleanly). */
  torchPython: string | null;
  log(msg: string): void;
}

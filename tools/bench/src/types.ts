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
  /**
   * Backend of the reference row when it ran in another child under the same name (e.g. `wasm-mt` for the native
   * BiGS-large inference row); the runner then matches `reference` only against rows of that backend.
   */
  referenceBackend?: string;
  /** Target on `ratio` (ours / reference time): met when ratio ≤ this. The runner appends met / MISSED to the note. */
  targetMaxRatio?: number;
  /** Free-form note (e.g. why a case was skipped). */
  note?: string;
  /** The sgemm roof (GFLOP/s, median OpenBLAS over the gemm suite's shapes) measured in this run's native child. */
  roofGflops?: number;
  /** `gflops / roofGflops`: for the train-step suite this is the MFU against the measured roof. */
  roofRatio?: number;
  /** Training / inference throughput, tokens per second. */
  tokensPerSec?: number;
  /** Peak resident set size of the process that ran the case (`process.resourceUsage().maxRSS`), bytes. */
  peakRssBytes?: number;
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

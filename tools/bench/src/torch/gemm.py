"""PyTorch reference for the gemm suite: torch.mm(op(A), op(B), out=C) on the suite's shapes, fp32, CPU.

op(A) is [M, K] (stored [K, M] and transposed when transA), op(B) is [K, N] (stored [N, K] when transB), as the
row-major cblas call of the native addon; torch passes the transposes to its BLAS without copies.

Usage: python3 gemm.py '<json: {"shapes": [{"transA", "transB", "M", "N", "K"}], "runs": n, "warmup": n,
"threads": n}>'
Prints one JSON object per shape: {"i": index into shapes, "runsMs": [...]}.
Set OPENBLAS_NUM_THREADS as well: torch.set_num_threads does not control OpenBLAS.
"""
import json
import sys
import time

import torch


def main():
    cfg = json.loads(sys.argv[1])
    torch.set_num_threads(int(cfg.get("threads", 2)))
    torch.manual_seed(0)
    for i, s in enumerate(cfg["shapes"]):
        m, n, k = s["M"], s["N"], s["K"]
        a = torch.randn(k, m).t() if s["transA"] else torch.randn(m, k)  # [M, K]
        b = torch.randn(n, k).t() if s["transB"] else torch.randn(k, n)  # [K, N]
        c = torch.empty(m, n)  # [M, N]
        with torch.no_grad():
            for _ in range(cfg["warmup"]):
                torch.mm(a, b, out=c)
            runs = []
            for _ in range(cfg["runs"]):
                t0 = time.perf_counter()
                torch.mm(a, b, out=c)
                runs.append((time.perf_counter() - t0) * 1000.0)
        print(json.dumps({"i": i, "runsMs": runs}), flush=True)
        del a, b, c


if __name__ == "__main__":
    main()

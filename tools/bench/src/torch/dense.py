"""PyTorch reference for the dense suite: y = x @ w + b, forward and forward+backward.

Usage: python3 dense.py '<json: {"shapes": [[rows, in, out], ...], "runs": n, "warmup": n, "threads": n}>'
Prints one JSON object per line: {"rows", "in", "out", "pass", "runsMs": [...]}.
Set OPENBLAS_NUM_THREADS as well: torch.set_num_threads does not control OpenBLAS.
"""
import json
import sys
import time

import torch


def timed(fn, runs, warmup):
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000.0)
    return out


def main():
    cfg = json.loads(sys.argv[1])
    torch.set_num_threads(int(cfg.get("threads", 2)))
    torch.manual_seed(0)
    for rows, d_in, d_out in cfg["shapes"]:
        x = torch.randn(rows, d_in, requires_grad=True)
        w = torch.randn(d_in, d_out, requires_grad=True)
        b = torch.randn(d_out, requires_grad=True)
        dy = torch.randn(rows, d_out)

        def fwd():
            with torch.no_grad():
                return x @ w + b

        def fwd_bwd():
            x.grad = w.grad = b.grad = None
            y = x @ w + b
            y.backward(dy)

        for name, fn in (("fwd", fwd), ("fwd+bwd", fwd_bwd)):
            ms = timed(fn, cfg["runs"], cfg["warmup"])
            print(json.dumps({"rows": rows, "in": d_in, "out": d_out, "pass": name, "runsMs": ms}), flush=True)


if __name__ == "__main__":
    main()

"""PyTorch reference for the long-conv benchmark: torch.fft rfft/irfft convolution with one kernel shared by all
channels (BiGS), u as [B, L, H] including the transposes, n = 2L as in the official code.

Usage: python3 long_conv.py --lengths 128,512 --batch 8 --hidden 768 --threads 2 --runs 3
Prints one JSON object per line: {"L", "pass", "runs_ms"}.
"""
import argparse
import json
import os
import time


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lengths", required=True)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--hidden", type=int, default=768)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=1)
    args = ap.parse_args()
    os.environ.setdefault("OPENBLAS_NUM_THREADS", str(args.threads))
    import torch

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    def conv(u: "torch.Tensor", k: "torch.Tensor") -> "torch.Tensor":
        L = u.shape[1]
        x = u.transpose(1, 2)  # [B, H, L]
        kf = torch.fft.rfft(k, n=2 * L)  # [L+1]
        y = torch.fft.irfft(torch.fft.rfft(x, n=2 * L) * kf, n=2 * L)[..., :L]  # [B, H, L]
        return y.transpose(1, 2).contiguous()  # [B, L, H]

    for L in [int(s) for s in args.lengths.split(",") if s]:
        u = torch.randn(args.batch, L, args.hidden)
        k = torch.randn(L)
        dy = torch.randn(args.batch, L, args.hidden)

        def fwd() -> None:
            with torch.no_grad():
                conv(u, k)

        def fwd_bwd() -> None:
            uu = u.detach().requires_grad_(True)
            kk = k.detach().requires_grad_(True)
            conv(uu, kk).backward(dy)

        for name, fn in (("fwd", fwd), ("fwd+bwd", fwd_bwd)):
            for _ in range(args.warmup):
                fn()
            runs = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                fn()
                runs.append((time.perf_counter() - t0) * 1000.0)
            print(json.dumps({"L": L, "pass": name, "runs_ms": runs}), flush=True)


if __name__ == "__main__":
    main()

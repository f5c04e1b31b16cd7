"""PyTorch reference for the `gpu` bench suite (tools/bench/src/gpu.ts), on CUDA when available.

Cases, same sizes as the TypeScript side: BiGS MLM training steps (fwd + bwd + AdamW; the model of
train_step.py), inference (eval forward with logits at every position), and the shared-kernel long
convolution (rfft/irfft with n = 2L, as long_conv.py) forward and forward + backward. Each timed run ends
with torch.cuda.synchronize(). A reference measurement, not project code.

Usage: python3 gpu.py '<json: {"device": "cuda"|"cpu", "runs": n, "warmup": n,
  "train": [{name, hidden, layers, inter, vocab, seq, batch, ssm, mask_fraction}],
  "infer": [{same fields}], "conv": [{name, L, B, H}]}>'
Prints one JSON object per case: {"name", "pass", "runsMs"}; first line {"torch", "device", "gpu"}.
"""
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_step import BiGSMLM  # noqa: E402


def timed(fn, runs, warmup, sync):
    for _ in range(warmup):
        fn()
        sync()
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        sync()
        out.append((time.perf_counter() - t0) * 1000.0)
    return out


def train_case(c, dev):
    model = BiGSMLM(c).to(dev)
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, betas=(0.9, 0.98), eps=1e-6, weight_decay=0.05)
    b, length = c["batch"], c["seq"]
    m = max(1, round(length * c["mask_fraction"]))
    ids = torch.randint(5, c["vocab"], (b, length), device=dev)
    pos = torch.randint(1, length - 1, (b, m), device=dev)
    labels = torch.randint(5, c["vocab"], (b, m), device=dev)

    def step():
        opt.zero_grad(set_to_none=True)
        model(ids, pos, labels).backward()
        opt.step()

    return step


def infer_case(c, dev):
    model = BiGSMLM(c).to(dev)
    model.eval()
    b, length = c["batch"], c["seq"]
    ids = torch.randint(5, c["vocab"], (b, length), device=dev)
    pos = torch.arange(length, device=dev)[None, :].expand(b, -1)  # every position: logits [B, L, V]
    labels = torch.randint(5, c["vocab"], (b, length), device=dev)

    def fwd():
        with torch.no_grad():
            model(ids, pos, labels)

    return fwd


def conv_cases(c, dev):
    length = c["L"]
    u = torch.randn(c["B"], length, c["H"], device=dev)
    k = torch.randn(length, device=dev)
    dy = torch.randn(c["B"], length, c["H"], device=dev)

    def conv(uu, kk):
        x = uu.transpose(1, 2)  # [B, H, L]
        y = torch.fft.irfft(torch.fft.rfft(x, n=2 * length) * torch.fft.rfft(kk, n=2 * length), n=2 * length)
        return y[..., :length].transpose(1, 2).contiguous()  # [B, L, H]

    def fwd():
        with torch.no_grad():
            conv(u, k)

    def fwd_bwd():
        conv(u.detach().requires_grad_(True), k.detach().requires_grad_(True)).backward(dy)

    return [("fwd", fwd), ("fwd+bwd", fwd_bwd)]


def main():
    cfg = json.loads(sys.argv[1])
    dev = cfg["device"]
    if dev == "cuda":
        torch.set_default_device("cuda")  # the model builds index tensors without a device
    sync = torch.cuda.synchronize if dev == "cuda" else (lambda: None)
    gpu = torch.cuda.get_device_name(0) if dev == "cuda" else None
    print(json.dumps({"torch": torch.__version__, "device": dev, "gpu": gpu}), flush=True)
    torch.manual_seed(0)
    runs, warmup = cfg["runs"], cfg["warmup"]
    jobs = [(c["name"], "fwd+bwd", lambda c=c: train_case(c, dev)) for c in cfg["train"]]
    jobs += [(c["name"], "fwd", lambda c=c: infer_case(c, dev)) for c in cfg["infer"]]
    for name, pass_, make in jobs:
        ms = timed(make(), runs, warmup, sync)
        print(json.dumps({"name": name, "pass": pass_, "runsMs": ms}), flush=True)
        if dev == "cuda":
            torch.cuda.empty_cache()
    for c in cfg["conv"]:
        for pass_, fn in conv_cases(c, dev):
            print(json.dumps({"name": c["name"], "pass": pass_, "runsMs": timed(fn, runs, warmup, sync)}), flush=True)


if __name__ == "__main__":
    main()

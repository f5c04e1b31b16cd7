"""PyTorch reference for the train-step suite: one full BiGS MLM training step (fwd + bwd + AdamW), CPU.

Same math as @bigs/models (spec §2–§4): BERT embeddings + LayerNorm; pre-LN GATED blocks with the bidirectional
S4D routing (ZOH kernel shared by all channels, Re(A) clipped at -1e-4, scalar D and step); tied MLM head with
erf-GELU transform at the masked positions only. The long convolution is the shared-kernel Toeplitz matmul for
L <= 512 and an FFT (zero-padded to 2L) above. A reference measurement, not project code.

Usage: python3 train_step.py '<json: {"cases": [{name, hidden, layers, inter, vocab, seq, batch, accum?, ssm,
mask_fraction}], "runs": n, "warmup": n, "threads": n}>'
`batch` sequences per micro-batch; `accum` (default 1) micro-batches per step, their gradients averaged (loss / accum)
before one AdamW update, as the bench's gradient accumulation.
Prints one JSON object per case: {"name", "runsMs": [...], "maxRssKiB"} (peak RSS of this process so far).
"""
import json
import math
import resource
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def gelu_tanh(x):
    return F.gelu(x, approximate="tanh")


class S4D(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.A_re = nn.Parameter(torch.full((n,), -0.5))
        self.A_im = nn.Parameter(math.pi * torch.arange(n, dtype=torch.float32))
        self.C = nn.Parameter(torch.randn(n, 2) * math.sqrt(0.5))
        self.D = nn.Parameter(torch.ones(1))
        self.log_step = nn.Parameter(torch.empty(1).uniform_(math.log(0.01), 0.0))

    def kernel(self, length):
        a = torch.complex(torch.clamp(self.A_re, max=-1e-4), self.A_im)  # [N]
        c = torch.complex(self.C[:, 0], self.C[:, 1])  # [N]
        dt = torch.exp(self.log_step)  # [1]
        da = dt * a  # [N]
        coef = c * (torch.exp(da) - 1) / a  # [N]
        l = torch.arange(length, dtype=torch.float32)  # [L]
        return torch.real(torch.exp(da[:, None] * l[None, :]).mul(coef[:, None]).sum(0))  # [L]

    def forward(self, u):  # u [B, L, H], causal along L
        b, length, h = u.shape
        k = self.kernel(length)  # [L]
        if length <= 512:
            idx = torch.arange(length)
            diff = idx[:, None] - idx[None, :]  # [L, L]
            t = torch.where(diff >= 0, k[diff.clamp(min=0)], torch.zeros(()))  # [L, L] lower-triangular Toeplitz
            y = torch.matmul(t, u)  # [B, L, H]
        else:
            n = 2 * length
            kf = torch.fft.rfft(k, n=n)  # [n/2+1]
            uf = torch.fft.rfft(u, n=n, dim=1)  # [B, n/2+1, H]
            y = torch.fft.irfft(uf * kf[None, :, None], n=n, dim=1)[:, :length]  # [B, L, H]
        return y + self.D * u


class Block(nn.Module):
    def __init__(self, h, i, n):
        super().__init__()
        self.ln = nn.LayerNorm(h, eps=1e-12)
        self.dv = nn.Linear(h, i)
        self.du_forward = nn.Linear(h, h)
        self.du_backward = nn.Linear(h, h)
        self.duc_forward = nn.Linear(h, h)
        self.duc_backward = nn.Linear(h, h)
        self.dol = nn.Linear(h, i)
        self.do = nn.Linear(i, h)
        self.fs4 = S4D(n)
        self.bs4 = S4D(n)

    def forward(self, hs):  # [B, L, H]
        x = self.ln(hs)
        v = gelu_tanh(self.dv(x))  # [B, L, I]
        uf = gelu_tanh(self.du_forward(x))  # [B, L, H]
        ub = gelu_tanh(self.du_backward(torch.flip(x, [1])))  # [B, L, H]
        cf = self.duc_forward(self.fs4(uf))
        cb = torch.flip(self.duc_backward(self.bs4(ub)), [1])
        return hs + self.do(gelu_tanh(self.dol(cf * cb)) * v)


class BiGSMLM(nn.Module):
    def __init__(self, c):
        super().__init__()
        h, v = c["hidden"], c["vocab"]
        self.word = nn.Embedding(v, h)
        self.pos = nn.Embedding(c["seq"], h)
        self.tok_type = nn.Embedding(2, h)
        self.ln = nn.LayerNorm(h, eps=1e-12)
        self.blocks = nn.ModuleList([Block(h, c["inter"], c["ssm"]) for _ in range(c["layers"])])
        self.transform = nn.Linear(h, h)
        self.head_ln = nn.LayerNorm(h, eps=1e-12)
        self.bias = nn.Parameter(torch.zeros(v))
        for m in self.modules():
            if isinstance(m, (nn.Linear, nn.Embedding)):
                nn.init.normal_(m.weight, std=0.02)

    def forward(self, ids, pos, labels):  # ids [B, L], pos/labels [B, M]
        b, length = ids.shape
        e = self.word(ids) + self.pos.weight[None, :length] + self.tok_type.weight[0]
        hs = F.dropout(self.ln(e), 0.1, self.training)
        for blk in self.blocks:
            hs = blk(hs)
        rows = torch.gather(hs, 1, pos[:, :, None].expand(-1, -1, hs.shape[-1]))  # [B, M, H]
        z = self.head_ln(F.gelu(self.transform(rows)))
        logits = z @ self.word.weight.t() + self.bias  # [B, M, V]
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1))


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
    for c in cfg["cases"]:
        model = BiGSMLM(c)
        model.train()
        decay = [p for n, p in model.named_parameters() if not (n.endswith("bias") or "ln" in n)]
        rest = [p for n, p in model.named_parameters() if n.endswith("bias") or "ln" in n]
        opt = torch.optim.AdamW(
            [{"params": decay, "weight_decay": 0.05}, {"params": rest, "weight_decay": 0.0}],
            lr=1e-4,
            betas=(0.9, 0.98),
            eps=1e-6,
        )
        b, length = c["batch"], c["seq"]
        accum = int(c.get("accum", 1))
        m = max(1, round(length * c["mask_fraction"]))
        micro = [
            (
                torch.randint(5, c["vocab"], (b, length)),
                torch.randint(1, length - 1, (b, m)),
                torch.randint(5, c["vocab"], (b, m)),
            )
            for _ in range(accum)
        ]

        def step():
            opt.zero_grad(set_to_none=True)
            for ids, pos, labels in micro:
                loss = model(ids, pos, labels)
                (loss / accum if accum > 1 else loss).backward()
            opt.step()

        ms = timed(step, cfg["runs"], cfg["warmup"])
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
        print(json.dumps({"name": c["name"], "runsMs": ms, "maxRssKiB": rss}), flush=True)
        del model, opt


if __name__ == "__main__":
    main()

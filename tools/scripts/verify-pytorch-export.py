#!/usr/bin/env python3
"""Load a `bigs export --to pytorch` directory in the official PyTorch port (jxiw/BiGS, files unchanged) and compare
its logits with ours.

Usage (normally through verify-pytorch-export.sh, which produces the inputs):
  python3 verify-pytorch-export.py --bigs-repo BiGS-checkout --export DIR --inputs probe.json --ours ours.json

  --bigs-repo  a checkout of https://github.com/jxiw/BiGS (its BiGS/configuration_bigs.py and BiGS/modeling_bigs.py
               are imported as they are; BiGS/__init__.py is not run, so JAX is not needed)
  --export     the export directory (config.json + model.safetensors)
  --inputs     {"input_ids": [[...], ...]} the probe batch
  --ours       `bigs predict --head masked-lm` output for the same inputs ({"logits": {"shape", "data"}})

Needs torch and the port's Python dependencies: transformers (a version that still has
transformers.modeling_utils.SequenceSummary, e.g. 4.30) and einops. `safetensors` is used when installed; without it
the file is read with the small reader below (the format is an 8-byte header length, a JSON header, raw bytes).

Reports, like `from_pretrained(..., output_loading_info=True)`: the port's state_dict keys missing from the file,
the file's keys the port does not have, and which of the missing ones the port declares ignorable
(`_keys_to_ignore_on_load_missing`); then the max |Δ logits| against ours. Exit status 0 when nothing is missing or
unexpected and the difference is within --tol, 1 otherwise.
"""

import argparse
import importlib.util
import json
import struct
import sys
import types
from pathlib import Path

import numpy as np
import torch

DTYPES = {"F32": np.float32, "F64": np.float64, "F16": np.float16, "I64": np.int64, "I32": np.int32}


def read_safetensors(path):
    """Tensors of a .safetensors file by name (safetensors.torch when installed, else a plain reader)."""
    try:
        from safetensors.torch import load_file

        return load_file(str(path))
    except ImportError:
        pass
    raw = Path(path).read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    base = 8 + n
    out = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        begin, end = meta["data_offsets"]
        arr = np.frombuffer(raw[base + begin : base + end], dtype=DTYPES[meta["dtype"]]).reshape(meta["shape"])
        out[name] = torch.from_numpy(arr.copy())
    return out


def load_port(repo):
    """Import BiGS/configuration_bigs.py and BiGS/modeling_bigs.py from the checkout, as the package `BiGS`."""
    pkg_dir = Path(repo) / "BiGS"
    for f in ("configuration_bigs.py", "modeling_bigs.py"):
        if not (pkg_dir / f).is_file():
            sys.exit(f"--bigs-repo {repo}: no BiGS/{f} (expected a checkout of https://github.com/jxiw/BiGS)")
    pkg = types.ModuleType("BiGS")
    pkg.__path__ = [str(pkg_dir)]
    sys.modules["BiGS"] = pkg
    mods = {}
    for name in ("configuration_bigs", "modeling_bigs"):
        spec = importlib.util.spec_from_file_location(f"BiGS.{name}", pkg_dir / f"{name}.py")
        mod = importlib.util.module_from_spec(spec)
        sys.modules[f"BiGS.{name}"] = mod
        spec.loader.exec_module(mod)
        mods[name] = mod
    return mods["configuration_bigs"], mods["modeling_bigs"]


def loading_info(model, tensors):
    """What from_pretrained would report: missing / unexpected keys, and the missing ones the port ignores."""
    import re

    own = set(model.state_dict().keys())
    given = set(tensors.keys())
    missing = sorted(own - given)
    unexpected = sorted(given - own)
    ignore = getattr(model, "_keys_to_ignore_on_load_missing", None) or []
    ignorable = [k for k in missing if any(re.search(p, k) for p in ignore)]
    return missing, unexpected, ignorable


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bigs-repo", required=True)
    ap.add_argument("--export", required=True)
    ap.add_argument("--inputs", required=True)
    ap.add_argument("--ours", required=True)
    ap.add_argument("--tol", type=float, default=1e-5)
    a = ap.parse_args()

    configuration_bigs, modeling_bigs = load_port(a.bigs_repo)
    cfg_json = json.loads((Path(a.export) / "config.json").read_text())
    arch = (cfg_json.get("architectures") or ["BiGSForMaskedLM"])[0]
    if arch != "BiGSForMaskedLM":
        sys.exit(f"{a.export}/config.json: architectures is {arch}; this check compares MLM logits (BiGSForMaskedLM)")
    config = configuration_bigs.BiGSConfig(**cfg_json)
    torch.manual_seed(0)
    model = modeling_bigs.BiGSForMaskedLM(config).eval()
    tensors = read_safetensors(Path(a.export) / "model.safetensors")
    missing, unexpected, ignorable = loading_info(model, tensors)
    result = model.load_state_dict(tensors, strict=False)
    assert sorted(result.missing_keys) == missing and sorted(result.unexpected_keys) == unexpected
    print(f"port state_dict keys: {len(model.state_dict())}; file keys: {len(tensors)}")
    print(f"missing keys: {missing} (of these, ignored by the port's _keys_to_ignore_on_load_missing: {ignorable})")
    print(f"unexpected keys: {unexpected}")

    ids = torch.tensor(json.loads(Path(a.inputs).read_text())["input_ids"], dtype=torch.long)
    ours_json = json.loads(Path(a.ours).read_text())["logits"]
    ours = torch.tensor(ours_json["data"], dtype=torch.float32).reshape(ours_json["shape"])
    with torch.no_grad():
        logits = model(input_ids=ids, attention_mask=torch.ones_like(ids)).logits
    if tuple(logits.shape) != tuple(ours.shape):
        sys.exit(f"shape mismatch: port logits {tuple(logits.shape)}, ours {tuple(ours.shape)}")
    diff = (logits - ours).abs().max().item()
    scale = ours.abs().max().item()
    print(f"probe batch {tuple(ids.shape)}: max |Δ logits| = {diff:.3e} (max |logit| = {scale:.3e}; tol {a.tol:g})")
    ok = not missing and not unexpected and diff <= a.tol
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

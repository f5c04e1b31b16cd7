#!/usr/bin/env bash
# Export a model with `bigs export --to pytorch`, load it in the official PyTorch port (jxiw/BiGS, unchanged) and
# compare the port's MLM logits with ours on a probe batch (see apps/docs/guide/scaling-out.md).
#
#   tools/scripts/verify-pytorch-export.sh MODEL_DIR BIGS_CHECKOUT [WORK_DIR]
#
#   MODEL_DIR      a masked-LM model directory (e.g. runs/pretrain-tiny from `pnpm pretrain --semantics pytorch`)
#   BIGS_CHECKOUT  git clone https://github.com/jxiw/BiGS
#   WORK_DIR       where the export, the probe batch and both outputs go (default: a new temp dir)
#
# Environment: PYTHON (default python3) must have torch, and the port's imports: transformers with
# transformers.modeling_utils.SequenceSummary (e.g. 4.30) and einops. TOL (default 1e-5) is the logit tolerance.
# Exit status 0 when the port finds every key (no missing, no unexpected) and reproduces our logits within TOL.
set -euo pipefail

if [ $# -lt 2 ]; then
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
MODEL_DIR=$1
BIGS_CHECKOUT=$2
WORK_DIR=${3:-$(mktemp -d -t bigs-verify-XXXXXX)}
PYTHON=${PYTHON:-python3}
TOL=${TOL:-1e-5}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
bigs() { (cd "$ROOT" && npx -y pnpm@9.15.9 --silent bigs "$@"); }

[ -f "$MODEL_DIR/config.json" ] || { echo "$MODEL_DIR: no config.json (expected a model directory)" >&2; exit 2; }
[ -f "$BIGS_CHECKOUT/BiGS/modeling_bigs.py" ] || {
  echo "$BIGS_CHECKOUT: no BiGS/modeling_bigs.py (git clone https://github.com/jxiw/BiGS)" >&2
  exit 2
}
MODEL_DIR=$(cd "$MODEL_DIR" && pwd)
mkdir -p "$WORK_DIR"
WORK_DIR=$(cd "$WORK_DIR" && pwd)

echo "1. export → $WORK_DIR/export"
rm -rf "$WORK_DIR/export"
bigs export --model "$MODEL_DIR" --to pytorch --out "$WORK_DIR/export"

echo "2. probe batch: 2 rows of min(P, 32) tokens drawn from the vocabulary (fixed seed)"
"$PYTHON" - "$MODEL_DIR/config.json" "$WORK_DIR/probe.json" <<'EOF'
import json, random, sys
cfg = json.load(open(sys.argv[1]))
rng = random.Random(7)
L = min(cfg["max_position_embeddings"], 32)
ids = [[rng.randrange(1, cfg["vocab_size"]) for _ in range(L)] for _ in range(2)]
json.dump({"input_ids": ids}, open(sys.argv[2], "w"))
EOF

echo "3. our logits (bigs predict on $MODEL_DIR, cpu)"
bigs predict --model "$MODEL_DIR" --inputs "$WORK_DIR/probe.json" --out "$WORK_DIR/ours.json" --head masked-lm \
  --backend cpu

echo "4. the official PyTorch port on the export"
"$PYTHON" "$HERE/verify-pytorch-export.py" --bigs-repo "$BIGS_CHECKOUT" --export "$WORK_DIR/export" \
  --inputs "$WORK_DIR/probe.json" --ours "$WORK_DIR/ours.json" --tol "$TOL"

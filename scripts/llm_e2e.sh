#!/usr/bin/env bash
# The real LLM path, once: a local llama-cpp-python server on 127.0.0.1 serving the pinned
# Qwen2.5-Coder-0.5B-Instruct GGUF; `medcodes explain generate`, `check` and `show` on J9039.
# Not part of the default test run (`make test-llm`). Needs the catalog (MEDCODES_CATALOG or
# var/medcodes.db). First run compiles llama-cpp-python (~11 min) into $LLM_VENV.
set -euo pipefail
cd "$(dirname "$0")/.."
LLM_VENV=${LLM_VENV:-/tmp/llmvenv}
WEIGHTS=${LLM_WEIGHTS_DIR:-/tmp/llmweights}
PORT=${LLM_PORT:-8089}
CODES=${LLM_CODES:-J9039}
MODEL_NAME=qwen2.5-coder-0.5b-instruct-q4_k_m
export MEDCODES_CATALOG=${MEDCODES_CATALOG:-$PWD/var/medcodes.db}
OUT=${LLM_OUT:-$(mktemp -d)}
STORE="$OUT/medcodes.explain.db"

if ! "$LLM_VENV/bin/python" -c "import llama_cpp.server" 2>/dev/null; then
  python3 -m venv "$LLM_VENV"
  CMAKE_ARGS="-DGGML_NATIVE=ON -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF" \
    "$LLM_VENV/bin/pip" install "llama-cpp-python[server]==0.3.36"
fi
model=$(scripts/llm_fetch_model.sh "$WEIGHTS")

"$LLM_VENV/bin/python" -m llama_cpp.server --model "$model" --model_alias "$MODEL_NAME" \
  --host 127.0.0.1 --port "$PORT" --n_ctx 4096 > "$OUT/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$PORT/v1/models" > /dev/null && break
  sleep 1
done

explain() { python -c 'from medcodes.cli_explain import explain_app; explain_app()' "$@"; }
# shellcheck disable=SC2086
time explain generate $CODES --endpoint "http://127.0.0.1:$PORT/v1" --model "$MODEL_NAME" \
  --response-format json_object --concurrency 1 --store "$STORE"
explain check --store "$STORE" --json > "$OUT/check.json"
explain check --store "$STORE"
for code in $CODES; do explain show "$code" --store "$STORE"; done
echo "outputs in $OUT (check.json: what the model wrote and what the verifier said)"

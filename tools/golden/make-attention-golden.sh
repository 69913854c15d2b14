#!/bin/bash
# Regenerates the llama.cpp golden logits that AttentionAgreementTest checks Hearth's flash attention and
# Q8_0 KV cache against: for each test shape x weight type, llama.cpp runs the seeded random model
# (`hearth testmodel`) teacher-forced on the 256 fixed ids of golden/llama/ids.txt with
#   -fa 1 -ctk f16  -ctv f16     flash attention, F16 cache
#   -fa 1 -ctk q8_0 -ctv q8_0    flash attention, Q8_0 cache
#   -fa 0 -ctk q8_0 -ctv f16     standard attention, Q8_0 keys (llama.cpp refuses a quantized V without FA)
# and the top-20 logits per position are kept (golden/llama/<shape>-<type>.fa<0|1>-<ctk>-<ctv>.jsonl.gz).
# The bar is the existing <shape>-<type>.noise.json (llama.cpp's own -fa 1 vs -fa 0 KL).
#
# ../shared/ref/ref-logits.cpp has no cache-type flags, so this script compiles a copy with two added
# options OUTSIDE the project (in a temp dir) against the built llama.cpp: `-ctk T` / `-ctv T` set
# llama_context_params.type_k / type_v (T = f16 | q8_0 | f32 -> GGML_TYPE_*), and `-ub N` sets n_ubatch (default 512
# as before). The patch is the sed below.
#
# A fourth run, -fa 1 with F16 cache and -ub 16 (ubatches of 16 tokens), takes ggml's other flash-attention
# flavour (one position at a time, float16 accumulator: decoding's) -> <shape>-<type>.fa1-f16-f16.ub16.jsonl.gz
#
# usage: [SHAPES="llama-tiny"] [TYPES="F32 Q8_0"] tools/golden/make-attention-golden.sh   (from the repository root)
set -euo pipefail
source "$(dirname "$0")/../../../shared/ref/env.sh" 2>/dev/null || source ../shared/ref/env.sh
ROOT=$(pwd)
OUT=$ROOT/hearth-core/src/test/resources/golden/llama
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
IDS=$(cat "$OUT/ids.txt")
K=20

# ref-logits with -ctk/-ctv/-ub, built from the shared source by the sed patch below
sed -e 's|int n_predict = 16,|std::string ctk = "f16", ctv = "f16";\n    int n_predict = 16,|' \
    -e 's|else if (a == "-c") n_ctx = atoi(next());|else if (a == "-c") n_ctx = atoi(next());\n        else if (a == "-ctk") ctk = next();\n        else if (a == "-ctv") ctv = next();|' \
    -e 's|else if (a == "-b") n_batch = atoi(next());|else if (a == "-b") n_batch = atoi(next());\n        else if (a == "-ub") n_ubatch = atoi(next());|' \
    -e 's|int n_predict = 16,|int n_ubatch = 512, n_predict = 16,|' \
    -e 's|cp.n_ubatch = std::min(cp.n_batch, (uint32_t) 512);|cp.n_ubatch = std::min(cp.n_batch, (uint32_t) n_ubatch);|' \
    -e 's|cp.no_perf = true;|cp.no_perf = true;\n    auto cache_type = [](const std::string \&t) { return t == "q8_0" ? GGML_TYPE_Q8_0 : t == "f32" ? GGML_TYPE_F32 : GGML_TYPE_F16; };\n    cp.type_k = cache_type(ctk);\n    cp.type_v = cache_type(ctv);|' \
    "$SCRIPTS/ref-logits.cpp" > "$TMP/ref-logits-ct.cpp"
grep -q 'cp.type_v = cache_type(ctv)' "$TMP/ref-logits-ct.cpp" && grep -q '(uint32_t) n_ubatch' "$TMP/ref-logits-ct.cpp" || { echo "patching ref-logits.cpp failed"; exit 1; }
g++ -O2 -std=c++17 -I"$LLAMA/include" -I"$LLAMA/ggml/include" "$TMP/ref-logits-ct.cpp" -o "$TMP/ref-logits-ct" \
    -L"$BIN" -lllama -lggml -lggml-base -Wl,-rpath,"$BIN"

for shape in ${SHAPES:-llama-tiny llama-small-gqa}; do
  for type in ${TYPES:-F32 Q8_0}; do
    bin/hearth testmodel --shape $shape --type $type -o "$TMP/m.gguf" 2>/dev/null
    for cfg in "1 f16 f16" "1 q8_0 q8_0" "0 q8_0 f16"; do
      set -- $cfg
      name="$shape-$type.fa$1-$2-$3"
      "$TMP/ref-logits-ct" -m "$TMP/m.gguf" --ids "$IDS" -n 1 -k $K --all-prompt -t 2 -fa $1 -ctk $2 -ctv $3 2>/dev/null \
        | gzip -9n > "$OUT/$name.jsonl.gz"
      echo "$name: $(zcat "$OUT/$name.jsonl.gz" | wc -l) lines"
    done
    if [ $type = F32 ]; then
      name="$shape-$type.fa1-f16-f16.ub16"
      "$TMP/ref-logits-ct" -m "$TMP/m.gguf" --ids "$IDS" -n 1 -k $K --all-prompt -t 2 -fa 1 -ub 16 2>/dev/null | gzip -9n > "$OUT/$name.jsonl.gz"
      # its yardstick: llama.cpp's own distance between this flavour and -fa 0 (the float16 accumulator makes it
      # ~100x the tiled flavour's); the test allows Hearth twice that, like the other goldens' noise.json
      vocab=$(python3 -c 'import gzip,json,sys; print(json.loads(gzip.open(sys.argv[1], "rt").readline())["n_vocab"])' "$OUT/$name.jsonl.gz")
      "$TMP/ref-logits-ct" -m "$TMP/m.gguf" --ids "$IDS" -n 1 -k "$vocab" --all-prompt -t 2 -fa 1 -ub 16 2>/dev/null > "$TMP/full.jsonl"
      python3 "$ROOT/tools/golden/compare_logits.py" "$OUT/$shape-$type.fa0.jsonl.gz" "$TMP/full.jsonl" --json > "$OUT/$name.noise.json"
      echo "$name: $(zcat "$OUT/$name.jsonl.gz" | wc -l) lines, llama.cpp vs its -fa 0: $(cat "$OUT/$name.noise.json")"
    fi
  done
done

DECODE_IDS=$(python3 -c 'import sys; i=open(sys.argv[1]).read().strip().split(","); print(",".join((i+i+i)[:600]))' "$OUT/ids.txt")
for shape in ${SHAPES:-llama-tiny llama-small-gqa}; do
  bin/hearth testmodel --shape $shape --type F32 -o "$TMP/m.gguf" 2>/dev/null
  name="$shape-F32.fa1-f16-f16.decode"
  "$TMP/ref-logits-ct" -m "$TMP/m.gguf" --ids "$DECODE_IDS" -n 32 -k $K -t 2 -fa 1 2>/dev/null | gzip -9n > "$OUT/$name.jsonl.gz"
  vocab=$(python3 -c 'import gzip,json,sys; print(json.loads(gzip.open(sys.argv[1], "rt").readline())["n_vocab"])' "$OUT/$name.jsonl.gz")
  "$TMP/ref-logits-ct" -m "$TMP/m.gguf" --ids "$DECODE_IDS" -n 32 -k "$vocab" -t 2 -fa 0 2>/dev/null > "$TMP/fa0.jsonl"
  [ "$(zcat "$OUT/$name.jsonl.gz" | tail -1)" = "$(tail -1 "$TMP/fa0.jsonl")" ] || { echo "$name: -fa 0 and -fa 1 generated different tokens"; exit 1; }
  python3 "$ROOT/tools/golden/compare_logits.py" "$OUT/$name.jsonl.gz" "$TMP/fa0.jsonl" --json > "$OUT/$name.noise.json"
  echo "$name: $(cat "$OUT/$name.noise.json")"
done


#!/bin/bash
# Regenerates the golden quantization data in this directory from llama.cpp itself.
# Needs the reference build (/work/shared/ref/setup.sh: llama-quantize, gguf-py); tests only read
# the committed output, never run this.
#   usage: hearth-core/src/test/resources/golden/quant/make.sh
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REF=${HEARTH_REF:-$HOME/.cache/hearth-ref}
LLAMA=$REF/llama.cpp
BIN=$LLAMA/build/bin
export LD_LIBRARY_PATH=$BIN${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export PYTHONPATH=$LLAMA/gguf-py${PYTHONPATH:+:$PYTHONPATH}
MAKE_MODEL=${MAKE_MODEL:-/work/shared/ref/make_model.py}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# 1. a tiny llama with F32 2-D weights (rows of 256 and 512), then edge-case rows written into it
python3 "$MAKE_MODEL" --out "$TMP/f32.gguf" --name golden-quant --vocab "$LLAMA/models/ggml-vocab-llama-spm.gguf" \
  --n-embd 256 --n-ff 512 --n-layer 1 --n-head 4 --n-head-kv 2 --dtype f32 --seed 1234
python3 "$HERE/extract.py" edit "$TMP/f32.gguf"

# 2. llama-quantize to each target; --pure: every 2-D tensor gets exactly that type, no imatrix
: > "$HERE/PROVENANCE"
echo "llama.cpp $(git -C "$LLAMA" rev-parse --short HEAD 2>/dev/null || echo unknown)" >> "$HERE/PROVENANCE"
echo "python3 $MAKE_MODEL --out f32.gguf --name golden-quant --vocab models/ggml-vocab-llama-spm.gguf --n-embd 256 --n-ff 512 --n-layer 1 --n-head 4 --n-head-kv 2 --dtype f32 --seed 1234; extract.py edit f32.gguf" >> "$HERE/PROVENANCE"
for q in Q4_0 Q4_1 Q5_0 Q5_1 Q8_0 Q2_K Q3_K_S Q4_K_S Q5_K_S Q6_K F16 BF16; do
  "$BIN/llama-quantize" --pure "$TMP/f32.gguf" "$TMP/$q.gguf" "$q" 1 > "$TMP/$q.log" 2>&1 \
    || { tail -20 "$TMP/$q.log"; exit 1; }
  echo "llama-quantize --pure f32.gguf $q.gguf $q 1" >> "$HERE/PROVENANCE"
done

# 3. samples: F32 source rows, llama-quantize's bytes of the same rows, gguf-py's dequantization
python3 "$HERE/extract.py" sample "$TMP" "$HERE"
# 4. dots and activation encodings from ggml itself (reference encoders, the CPU backend's vec_dot)
cc -O2 -std=c11 -I"$LLAMA/ggml/include" "$HERE/golden_dots.c" -o "$TMP/golden_dots" -L"$BIN" -lggml-cpu -lggml-base -Wl,-rpath,"$BIN"
"$TMP/golden_dots" "$HERE" 16x256 4x512 q4_0 q4_1 q5_0 q5_1 q8_0 q2_k q3_k q4_k q5_k q6_k f16 bf16 f32
echo "dots: golden_dots . 16x256 4x512 q4_0 q4_1 q5_0 q5_1 q8_0 q2_k q3_k q4_k q5_k q6_k f16 bf16 f32" >> "$HERE/PROVENANCE"
echo "samples: extract.py sample (gguf-py $(python3 -c 'import gguf, importlib.metadata as m; print(m.version("gguf"))' 2>/dev/null || echo local))" >> "$HERE/PROVENANCE"
ls -l "$HERE"

#!/bin/bash
# Regenerates the llama.cpp golden logits that ArchitectureAgreementTest checks Hearth against, for the
# architectures besides plain Llama (RandomModel's shapes: qwen2, qwen3, starcoder2, phi3, gemma, gemma2, gemma3, and Llama
# variants Granite-Code and Mistral-Nemo). Needs the llama.cpp reference (../shared/ref/setup.sh).
#
# Per shape: Hearth writes the seeded random model in F32 and Q8_0 (`hearth testmodel`, the same bytes the test
# rebuilds), and llama-quantize makes a Q4_K_M from the F32 file (committed, since only llama-quantize makes it).
# llama.cpp's ref-logits runs each teacher-forced on 256 fixed ids at -fa 0 (golden top-20 logits per position)
# and at -fa 1 (its own noise: the test allows Hearth twice its KL against -fa 0). Also printed per file: how
# often llama.cpp's argmax is just the input token (a test model whose answer is mostly that would prove little).
#
# usage: [SHAPES="qwen2-tiny ..."] [TYPES="F32 Q8_0"] [SKIP_LQ=1] tools/golden/make-arch-golden.sh   (from the repository root)
set -euo pipefail
source "$(dirname "$0")/../../../shared/ref/env.sh" 2>/dev/null || source ../shared/ref/env.sh
ROOT=$(pwd)
OUT=$ROOT/hearth-core/src/test/resources/golden/arch
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$OUT"
IDS=$(cat "$OUT/ids.txt")
K=20

golden() { # model name
  local m=$1 name=$2 vocab
  "$TOOLS/ref-logits" -m "$m" --ids "$IDS" -n 1 -k $K --all-prompt -t 2 -fa 0 2>"$TMP/err" | gzip -9n > "$OUT/$name.fa0.jsonl.gz" \
    || { cat "$TMP/err" >&2; exit 1; }
  vocab=$(python3 -c 'import gzip,json,sys; print(json.loads(gzip.open(sys.argv[1], "rt").readline())["n_vocab"])' "$OUT/$name.fa0.jsonl.gz")
  "$TOOLS/ref-logits" -m "$m" --ids "$IDS" -n 1 -k "$vocab" --all-prompt -t 2 -fa 1 2>/dev/null > "$TMP/fa1.jsonl"
  python3 "$ROOT/tools/golden/compare_logits.py" "$OUT/$name.fa0.jsonl.gz" "$TMP/fa1.jsonl" --json > "$OUT/$name.noise.json"
  echo "$name: $(cat "$OUT/$name.noise.json") argmax=input: $(python3 - "$OUT/$name.fa0.jsonl.gz" "$IDS" <<'PY'
import gzip, json, sys
ids = [int(x) for x in sys.argv[2].split(",")]
steps = [json.loads(l) for l in gzip.open(sys.argv[1], "rt") if '"argmax"' in l]
same = sum(1 for i, s in enumerate(steps[:len(ids)]) if s["argmax"] == ids[i])
print(f"{same}/{len(ids)}")
PY
)"
}

for shape in ${SHAPES:-qwen2-tiny qwen3-tiny starcoder2-tiny phi3-tiny phi3-long phi4-mini-tiny gemma-tiny gemma2-tiny gemma3-tiny granite-tiny granite3-tiny olmo2-tiny command-r-tiny nemo-tiny}; do
  for type in ${TYPES:-F32 Q8_0}; do
    bin/hearth testmodel --shape $shape --type $type -o "$TMP/m.gguf" 2>/dev/null
    golden "$TMP/m.gguf" "$shape-$type"
  done
  [ -n "${SKIP_LQ:-}" ] && continue
  [ "$shape" = phi3-long ] && continue # same tensors as phi3-tiny: its Q4_K_M would only add 5 MB to the repository
  bin/hearth testmodel --shape $shape --type F32 -o "$TMP/f32.gguf" 2>/dev/null
  "$BIN/llama-quantize" "$TMP/f32.gguf" "$OUT/$shape-lq-Q4_K_M.gguf" Q4_K_M 2 >/dev/null 2>&1
  golden "$OUT/$shape-lq-Q4_K_M.gguf" "$shape-lq-Q4_K_M"
done
echo "done: $OUT"

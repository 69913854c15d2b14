#!/bin/bash
# Regenerates the llama.cpp golden logits that LlamaAgreementTest checks Hearth against.
# Needs the llama.cpp reference (../shared/ref/setup.sh) and a built target/hearth.jar.
#
# For each test shape x weight type: Hearth writes the seeded random model (`hearth testmodel`, the same
# bytes the test rebuilds in memory), llama.cpp's ref-logits runs it teacher-forced on 256 fixed ids at
# -fa 0 (the golden top-20 logits per position) and at -fa 1 (llama.cpp's own noise: its KL against -fa 0
# is the bar the test allows Hearth twice of). Files made by llama-quantize from the F32 model are included
# too; those models are committed next to the golden data since only llama-quantize can make them.
#
# usage: [SHAPES="llama-tiny"] [TYPES="F32 Q8_0"] [SKIP_LQ=1] tools/golden/make-llama-golden.sh   (from the repository root)
set -euo pipefail
source "$(dirname "$0")/../../../shared/ref/env.sh" 2>/dev/null || source ../shared/ref/env.sh
ROOT=$(pwd)
OUT=$ROOT/hearth-core/src/test/resources/golden/llama
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$OUT"
IDS=$(cat "$OUT/ids.txt")
K=20

golden() { # model name
  local m=$1 name=$2 vocab
  "$TOOLS/ref-logits" -m "$m" --ids "$IDS" -n 1 -k $K --all-prompt -t 2 -fa 0 2>/dev/null | gzip -9n > "$OUT/$name.fa0.jsonl.gz"
  vocab=$(python3 -c 'import gzip,json,sys; print(json.loads(gzip.open(sys.argv[1], "rt").readline())["n_vocab"])' "$OUT/$name.fa0.jsonl.gz")
  "$TOOLS/ref-logits" -m "$m" --ids "$IDS" -n 1 -k "$vocab" --all-prompt -t 2 -fa 1 2>/dev/null > "$TMP/fa1.jsonl"
  python3 "$ROOT/tools/golden/compare_logits.py" "$OUT/$name.fa0.jsonl.gz" "$TMP/fa1.jsonl" --json > "$OUT/$name.noise.json"
  echo "$name: $(cat "$OUT/$name.noise.json")"
}

for shape in ${SHAPES:-llama-tiny llama-small-gqa}; do
  for type in ${TYPES:-F32 F16 BF16 Q4_0 Q4_1 Q5_0 Q5_1 Q8_0 Q2_K Q3_K Q4_K Q5_K Q6_K}; do
    bin/hearth testmodel --shape $shape --type $type -o "$TMP/m.gguf" 2>/dev/null
    golden "$TMP/m.gguf" "$shape-$type"
  done
done

# files written by llama-quantize (its own type mixes), from Hearth's F32 tiny model
[ -n "${SKIP_LQ:-}" ] && exit 0
bin/hearth testmodel --shape llama-tiny --type F32 -o "$TMP/tiny-F32.gguf" 2>/dev/null
for q in Q4_K_M Q5_K_M; do
  "$BIN/llama-quantize" "$TMP/tiny-F32.gguf" "$OUT/llama-tiny-lq-$q.gguf" $q 2 >/dev/null 2>&1
  golden "$OUT/llama-tiny-lq-$q.gguf" "llama-tiny-lq-$q"
done
echo "done: $OUT"

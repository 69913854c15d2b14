#!/bin/bash
# Teacher-forced agreement of Hearth with llama.cpp on any GGUF (for files too large to commit, e.g.
# the 1B models of ../shared/ref/make-models.sh): 256 seeded token ids, llama.cpp at -fa 0 (reference)
# and -fa 1 (its own noise), Hearth; prints both comparisons (see compare_logits.py).
# usage: tools/golden/agreement.sh MODEL.gguf [N_POSITIONS=256]
set -euo pipefail
source "$(dirname "$0")/../../../shared/ref/env.sh"
M=$1; N=${2:-256}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
V=$(bin/hearth inspect "$M" 2>/dev/null | awk '$1=="tokenizer.ggml.tokens"{gsub(/\[/,"",$3); print $3}')
IDS=$(python3 -c "import random,sys; r=random.Random(7); v=int(sys.argv[1]); print(','.join(['1']+[str(r.randrange(3,min(v,32000))) for _ in range(int(sys.argv[2])-1)]))" "$V" "$N")
"$TOOLS/ref-logits" -m "$M" --ids "$IDS" -n 1 -k 20 --all-prompt -t 2 -fa 0 2>/dev/null > "$T/fa0.jsonl"
"$TOOLS/ref-logits" -m "$M" --ids "$IDS" -n 1 -k 1000 --all-prompt -t 2 -fa 1 2>/dev/null > "$T/fa1.jsonl"
bin/hearth logits -m "$M" --ids "$IDS" -n 1 -k 1000 --all-prompt -t 2 2>/dev/null > "$T/hearth.jsonl"
echo "$(basename "$M") llama.cpp -fa 1 vs -fa 0: $(python3 "$(dirname "$0")/compare_logits.py" "$T/fa0.jsonl" "$T/fa1.jsonl" --json)"
echo "$(basename "$M") Hearth vs llama.cpp -fa 0: $(python3 "$(dirname "$0")/compare_logits.py" "$T/fa0.jsonl" "$T/hearth.jsonl" --json)"

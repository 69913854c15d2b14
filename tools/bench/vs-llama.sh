#!/bin/bash
# Alternates llama-bench and `hearth bench` on the same models, same threads, in one session
# (this VM's speed drifts 25-30% between runs: only ratios from the same session mean anything).
# usage: tools/bench/vs-llama.sh MODEL.gguf [MODEL.gguf ...]   env: THREADS=2 REPS=3 ROUNDS=2 P=512 N=128
set -euo pipefail
source "$(dirname "$0")/../../../shared/ref/env.sh"
T=${THREADS:-2}; R=${REPS:-3}; P=${P:-512}; N=${N:-128}
for round in $(seq 1 "${ROUNDS:-2}"); do
  for m in "$@"; do
    echo "== round $round: $(basename "$m")"
    "$BIN/llama-bench" -m "$m" -t "$T" -p "$P" -n "$N" -r "$R" -fa 0 2>/dev/null | grep -E "pp|tg"
    bin/hearth bench -m "$m" -t "$T" -p "$P" -n "$N" -r "$R" -fa 0 2>/dev/null | grep -E "pp|tg"
  done
done

#!/bin/bash
# Alternates llama-bench and `hearth bench` on the same models, same threads, in one session
# (this VM's speed drifts 25-30% between runs: only ratios from the same session mean anything).
# usage: tools/bench/vs-llama.sh MODEL.gguf [MODEL.gguf ...]   env: THREADS=2 REPS=3 ROUNDS=2 P=512 N=128 TG_ALONE=0
#
# TG_ALONE=1 adds, for both programs, a generation-only run in a process of its own (-p 0). On this VM
# (nested virtualization, "kvm-pvm" in dmesg) a Hearth process that has run a prompt batch sometimes
# streams its mapped weights 25-35% slower for the rest of its life; the -p 0 process never did
# (session 10: same compiled code, same physical pages, see the #7 note). The extra rows show which
# state a pp-then-tg run was in; the must-show compares the in-process numbers, as llama-bench makes them.
set -euo pipefail
source "$(dirname "$0")/../../../shared/ref/env.sh"
T=${THREADS:-2}; R=${REPS:-3}; P=${P:-512}; N=${N:-128}
[ $# -gt 0 ] || { echo "usage: tools/bench/vs-llama.sh MODEL.gguf [MODEL.gguf ...]" >&2; exit 1; }
# a llama.cpp built for an AMX CPUID that the VM does not enable dies on the first batch: say so, once
rc=0; "$BIN/llama-bench" -m "$1" -t "$T" -p 64 -n 0 -r 1 >/dev/null 2>&1 || rc=$?
if [ "$rc" != 0 ]; then
  echo "llama-bench failed (exit $rc)$([ "$rc" = 132 ] && echo ': illegal instruction; run tools/bench/ref-without-amx.sh')" >&2
  exit 1
fi
for round in $(seq 1 "${ROUNDS:-2}"); do
  for m in "$@"; do
    echo "== round $round: $(basename "$m")"
    "$BIN/llama-bench" -m "$m" -t "$T" -p "$P" -n "$N" -r "$R" -fa 0 2>/dev/null | grep -E "pp|tg"
    bin/hearth bench -m "$m" -t "$T" -p "$P" -n "$N" -r "$R" -fa 0 2>/dev/null | grep -E "pp|tg"
    if [ "${TG_ALONE:-0}" = 1 ]; then
      echo "-- generation alone (-p 0), llama.cpp then Hearth"
      "$BIN/llama-bench" -m "$m" -t "$T" -p 0 -n "$N" -r "$R" -fa 0 2>/dev/null | grep -E "tg"
      bin/hearth bench -m "$m" -t "$T" -p 0 -n "$N" -r "$R" -fa 0 2>/dev/null | grep -E "tg"
    fi
  done
done

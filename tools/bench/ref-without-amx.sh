#!/bin/bash
# Rebuilds the llama.cpp reference (../shared/ref/setup.sh's build) without Intel AMX.
#
# Why: setup.sh builds with -march=native. On a VM whose CPUID advertises AMX (amx_tile, amx_int8 in
# /proc/cpuinfo) but whose hypervisor does not enable the tile state, ggml compiles its AMX matmul in and
# llama-bench dies on the first prompt batch with SIGILL (exit 132, gdb: `tilezero` in
# ggml_backend_amx_mul_mat) -- seen on an Emerald Rapids VM (CPU model 207) on 2026-12-01. GCC's explicit
# -mno-amx-* flags win over -march=native, so everything else stays native (AVX-512 VNNI, BF16, ...), which is
# the fastest llama.cpp that runs there: the fair yardstick. The whole tree recompiles (~12 min on 2 cores).
# usage: tools/bench/ref-without-amx.sh
set -euo pipefail
source "$(dirname "$0")/../../../shared/ref/env.sh"
# setup.sh's own target list, read from it so that the two builds name the same tools
eval "$(grep '^TARGETS=' "$SCRIPTS/setup.sh")"
NO_AMX="-mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
cd "$LLAMA"
cmake -S . -B build -DCMAKE_C_FLAGS="$NO_AMX" -DCMAKE_CXX_FLAGS="$NO_AMX" >/dev/null
# shellcheck disable=SC2086 # TARGETS is a list of words
cmake --build build -j"$(nproc)" --target $TARGETS >"$REF/build-no-amx.log" 2>&1 || { tail -40 "$REF/build-no-amx.log"; exit 1; }
echo "llama.cpp in $BIN rebuilt without AMX"

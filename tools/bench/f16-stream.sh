#!/bin/bash
# F16 generation's weight stream, one thread, C loops against Hearth's Java kernel on the same mapped matrices
# (every 2048-wide F16 matrix of MODEL, 64 rows at a time): f16-stream.c and F16Stream.java say what each loop is.
# Alternates the two programs ROUNDS times; only ratios within one run mean anything on a shared VM.
# usage: tools/bench/f16-stream.sh MODEL-F16.gguf   env: ROUNDS=2 PASSES=6; needs target/hearth.jar (mvn package),
# cc, and the llama.cpp reference's gguf-py (../shared/ref/setup.sh) to list the matrices' file offsets.
set -euo pipefail
source "$(dirname "$0")/../../../shared/ref/env.sh"
[ $# -eq 1 ] || { echo "usage: tools/bench/f16-stream.sh MODEL-F16.gguf" >&2; exit 1; }
model=$(realpath "$1")
cd "$(dirname "$0")/../.."
[ -f target/hearth.jar ] || { echo "f16-stream: no target/hearth.jar (run: mvn -q -DskipTests package)" >&2; exit 1; }
JAVA_HOME=$(bin/find-jdk)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cc -O2 -march=native -o "$out/f16-stream" tools/bench/f16-stream.c
"$JAVA_HOME/bin/javac" -nowarn --add-modules jdk.incubator.vector -cp target/hearth.jar -d "$out" tools/bench/F16Stream.java
PYTHONPATH="$LLAMA/gguf-py" python3 - "$model" > "$out/matrices" <<'PY'
import sys, gguf
for t in gguf.GGUFReader(sys.argv[1]).tensors:
    if t.tensor_type == gguf.GGMLQuantizationType.F16 and len(t.shape) == 2 and int(t.shape[0]) == 2048:
        print(t.data_offset, int(t.shape[1]))
PY
for round in $(seq 1 "${ROUNDS:-2}"); do
  echo "== round $round: C"
  "$out/f16-stream" "$model" "${PASSES:-6}" < "$out/matrices"
  echo "== round $round: Java"
  "$JAVA_HOME/bin/java" @bin/hearth.jvm-options -cp "$out:target/hearth.jar" dev.hearth.tensor.F16Stream "$model" "${PASSES:-6}" 2>&1 | grep -v "^WARNING: Using incubator"
done

#!/bin/sh
# llama.cpp's detokenization of the fuzz strings: runs test-tokenizer-0 (tokenize with add_special=false,
# parse_special=false, then common_detokenize) on a temporary copy of each vocabulary whose .inp is the
# fuzz strings, and records its printed "res" strings as ggml-vocab-NAME.gguf.fuzz.detok.
# Usage: tools/gen-fuzz-detok.sh TEST_TOKENIZER_0 VOCAB_DIR NAME...
set -e
bin=$1; dir=$2; shift 2
res=hearth-core/src/test/resources/vocab
tmp=$(mktemp -d)
for v in "$@"; do
  ln -sf "$(readlink -f $dir/ggml-vocab-$v.gguf)" "$tmp/ggml-vocab-$v.gguf"
  cp "$res/ggml-vocab-llama-bpe.gguf.fuzz.inp" "$tmp/ggml-vocab-$v.gguf.inp"
  python3 -c "import sys; n=open(sys.argv[1],encoding='utf-8',newline='').read().count('\n__ggml_vocab_test__\n'); open(sys.argv[2],'w').write(' 0\n'*n)" "$tmp/ggml-vocab-$v.gguf.inp" "$tmp/ggml-vocab-$v.gguf.out"
  python3 - "$bin" "$tmp" "$v" "$res" <<'PY'
import re, subprocess, sys
binary, tmp, name, res = sys.argv[1:5]
SEP = "\n__ggml_vocab_test__\n"
out = subprocess.run([binary, f"{tmp}/ggml-vocab-{name}.gguf"], capture_output=True).stdout.decode("utf-8", "surrogateescape")
found = {m.group(1): m.group(2) for m in re.finditer(r"\nsrc: '(.*?)'\nres: '(.*?)'\ntok: [-0-9 ]*\n", out, re.S)}
raw = open(f"{tmp}/ggml-vocab-{name}.gguf.inp", encoding="utf-8", newline="").read()
inputs = raw.split(SEP)[:-1]
missing = [s for s in inputs if s not in found]
if missing: sys.exit(f"{name}: unparsed {missing[:3]!r}")
open(f"{res}/ggml-vocab-{name}.gguf.fuzz.detok", "w", encoding="utf-8", errors="surrogateescape", newline="").write("".join(found[s] + SEP for s in inputs))
print(name, len(inputs), "detokenized")
PY
done
rm -rf "$tmp"

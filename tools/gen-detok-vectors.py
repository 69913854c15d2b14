#!/usr/bin/env python3
"""Makes ggml-vocab-NAME.gguf.detok: llama.cpp's detokenization of each test vector's tokens.

llama.cpp's tests/test-tokenizer-0 prints, for every string of NAME.gguf.inp, the string ("src"),
common_detokenize(tokens) ("res", i.e. llama_detokenize with remove_special=false,
unparse_special=true) and the tokens. This script runs it and writes the "res" strings in .inp order,
separated like the .inp file. Usage:
  gen-detok-vectors.py TEST_TOKENIZER_0_BINARY VOCAB_DIR OUT_DIR NAME...
"""
import re, subprocess, sys

SEP = "\n__ggml_vocab_test__\n"
binary, vocab_dir, out_dir = sys.argv[1:4]
for name in sys.argv[4:]:
    gguf = f"{vocab_dir}/ggml-vocab-{name}.gguf"
    out = subprocess.run([binary, gguf], capture_output=True, check=True).stdout.decode("utf-8", "surrogateescape")
    res = {m.group(1): m.group(2) for m in re.finditer(r"\nsrc: '(.*?)'\nres: '(.*?)'\ntok: [-0-9 ]*\n", out, re.S)}
    raw = open(gguf + ".inp", encoding="utf-8", errors="surrogateescape", newline="").read()
    inputs, pos = [], 0
    while pos < len(raw):
        nxt = raw.find(SEP, pos)
        if nxt < 0:
            inputs.append(raw[pos:]); break
        inputs.append(raw[pos:nxt]); pos = nxt + len(SEP)
    missing = [s for s in inputs if s not in res]
    if missing:
        sys.exit(f"{name}: no result parsed for {missing!r}")
    with open(f"{out_dir}/ggml-vocab-{name}.gguf.detok", "w", encoding="utf-8", errors="surrogateescape", newline="") as f:
        f.write(SEP.join(res[s] for s in inputs))
    print(name, len(inputs), "vectors,", sum(res[s] == s for s in inputs), "round-trip exactly")

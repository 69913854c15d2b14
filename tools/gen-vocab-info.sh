#!/bin/sh
# Records the special tokens llama.cpp derives for each vocabulary (its print_info lines: BOS, EOS, EOT,
# EOM, UNK, SEP, PAD, MASK, LF, FIM *, EOG), for VocabularyMetadataTest.
# Usage: tools/gen-vocab-info.sh LLAMA_TOKENIZE VOCAB_DIR OUT_FILE NAME...
tool=$1; dir=$2; out=$3; shift 3
: > "$out"
for v in "$@"; do
  echo "== $v" >> "$out"
  "$tool" -m "$dir/ggml-vocab-$v.gguf" -p x --ids -v 2>&1 \
    | grep -E "print_info: (BOS|EOS|EOT|EOM|UNK|SEP|PAD|MASK|LF|FIM [A-Z]+|EOG) token" \
    | sed -E "s/.*print_info: ([A-Z]+( [A-Z]+)?) token *= *([0-9]+) .*/\1 \3/" >> "$out"
done

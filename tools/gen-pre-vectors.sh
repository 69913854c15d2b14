#!/bin/sh
# Pre-tokenizer vectors: the GPT-2 vocabulary with tokenizer.ggml.pre set to each name below
# (written by the test class PreVariantWriter), tokenized by llama.cpp's llama-tokenize
# (--no-bos --no-parse-special --no-escape) on one text: all strings of the gpt-2 .inp and .extra.inp
# vector files joined. Output: one line "PRE id id id ..." per name in pre-variants.out.
# Usage (repository root, after mvn test-compile): tools/gen-pre-vectors.sh LLAMA_TOKENIZE CLASSPATH
set -e
tool=$1; cp=$2
res=hearth-core/src/test/resources/vocab
tmp=$(mktemp -d)
python3 - "$res" > "$res/pre-variants.txt" <<'PY'
import sys
res = sys.argv[1]; sep = "\n__ggml_vocab_test__\n"
parts = []
for f in ("ggml-vocab-gpt-2.gguf.inp", "ggml-vocab-gpt-2.gguf.extra.inp"):
    parts += [p for p in open(f"{res}/{f}", encoding="utf-8", newline="").read().split(sep) if p]
sys.stdout.buffer.write("\n\n".join(parts).encode("utf-8"))
PY
: > "$res/pre-variants.out"
for pre in default llama3 jais-2 dbrx deepseek-llm deepseek-v3 youtu deepseek-coder falcon starcoder gpt-2 \
           qwen2 qwen35 poro-chat chatglm-bpe viking tekken chameleon gpt-4o granite-embed-multi-97m tiny_aya \
           kimi-k2 superbpe bailingmoe seed-coder grok-2 afmoe laguna exaone-moe minicpm5 command-r smollm bloom; do
  java -cp "$cp" dev.hearth.tokenizer.PreVariantWriter $res/ggml-vocab-gpt-2.gguf "$pre" "$tmp/v.gguf"
  ids=$("$tool" -m "$tmp/v.gguf" -f "$res/pre-variants.txt" --ids --no-bos --no-parse-special --no-escape --log-disable | tail -1 | tr -d '[],')
  echo "$pre $ids" >> "$res/pre-variants.out"
  echo "$pre: $(echo $ids | wc -w) tokens"
done
rm -rf "$tmp"

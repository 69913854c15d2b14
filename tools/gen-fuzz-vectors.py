#!/usr/bin/env python3
"""Seeded random strings (mixed scripts, whitespace kinds, digits, apostrophes, emoji, special-token
texts) tokenized by llama.cpp's llama-tokenize; written as ggml-vocab-NAME.gguf.fuzz.inp/.out with
add_special=false, parse_special=true (llama-tokenize --no-bos --no-escape, special parsing on).
Usage: gen-fuzz-vectors.py LLAMA_TOKENIZE VOCAB_DIR OUT_DIR COUNT NAME...
"""
import random, subprocess, sys

SEP = "\n__ggml_vocab_test__\n"
POOL = [
    "the", "The", "HELLO", "world", "naïve", "café", "Straße", "ǅ", "ﬁ", "x", "I", "a",
    "'s", "'S", "'ll", "'LL", "'re", "'ve", "'d", "'m", "'t", "'", "''", "’",
    "0", "7", "42", "123", "2024", "3.14", "1,000", "٣٤", "½", "²", "ⅷ", "१२",
    " ", "  ", "   ", "\t", "\n", "\n\n", "\r\n", "\r", "\u00a0", "\u3000", "\u2028", "\u0085", "\u200b", "\ufeff", "\u000b", "\u001c",
    ".", ",", "!", "?", "...", "-", "--", "_", "(", ")", "[", "]", "{", "}", "<", ">", "/", "\\", "|", "@", "#", "$", "%", "^", "&", "*", "+", "=", "~", "`", "\"", ";", ":",
    "中文", "日本語", "カタカナ", "한국어", "العربية", "עברית", "हिन्दी", "ไทย", "Ελληνικά", "русский", "ქართული", "አማርኛ",
    "e\u0301", "a\u0308", "\u0301", "\u0915\u094d\u0937",
    "😀", "👩‍👩‍👧", "🇯🇵", "❤️", "🦙", "𝔘𝔫𝔦", "𐍈", "\U0001F9D1\u200d\U0001F4BB",
    "<s>", "</s>", "<unk>", "<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|eot_id|>", "<|begin_of_text|>", "<|end|>", "<|user|>",
    "def", "return", "=>", "!=", "==", "->", "::", "//", "/*", "*/", "#include", "0x1F", "a_b", "camelCase", "snake_case",
]


def gen(rng):
    n = rng.randint(1, 14)
    return "".join(rng.choice(POOL) for _ in range(n))


def run(tool, gguf, text):
    cmd = [tool, "-m", gguf, "--stdin", "--no-escape", "--ids", "--log-disable", "--no-bos"]
    out = subprocess.run(cmd, input=text.encode("utf-8"), capture_output=True, check=True).stdout.decode()
    line = [l for l in out.splitlines() if l.startswith("[")][-1]
    return " ".join(t.strip() for t in line.strip("[]").split(",") if t.strip())


tool, vocab_dir, out_dir, count = sys.argv[1:5]
names = sys.argv[5:]
rng = random.Random(20261128)
strings = [gen(rng) for _ in range(int(count))]
for name in names:
    gguf = f"{vocab_dir}/ggml-vocab-{name}.gguf"
    base = f"{out_dir}/ggml-vocab-{name}.gguf.fuzz"
    with open(base + ".inp", "w", encoding="utf-8", newline="") as f:
        f.write("".join(s + SEP for s in strings))
    with open(base + ".out", "w", encoding="utf-8", newline="") as f:
        f.write("".join(" " + run(tool, gguf, s) + "\n" for s in strings))
    print(name, "done")

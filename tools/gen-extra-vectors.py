#!/usr/bin/env python3
"""Extra tokenizer vectors checked against llama.cpp's llama-tokenize (commit 80fb11a).

Writes, for each vocabulary NAME, into OUT_DIR:
  ggml-vocab-NAME.gguf.extra.inp / .out          add_special=false, parse_special=false
  ggml-vocab-NAME.gguf.extra-special.inp / .out  add_special=the model's add_bos, parse_special=true
in the format of llama.cpp's .inp/.out vector files. Each line of .out is what
  llama-tokenize -m ggml-vocab-NAME.gguf --stdin --no-escape --ids --log-disable [--no-bos] [--no-parse-special]
printed for the string on standard input.
Usage: gen-extra-vectors.py LLAMA_TOKENIZE VOCAB_DIR OUT_DIR NAME...
"""
import subprocess, sys

SEP = "\n__ggml_vocab_test__\n"

EXTRA = [
    "def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\n",
    "for (int i = 0; i < n; ++i) { sum += a[i] * b[i]; }\t// dot\r\n",
    "<html><body class=\"x\">Hi &amp; bye</body></html>",
    "emoji: 😀😃 👩‍👩‍👧‍👦 🇫🇷 ❤️ 🦙🦙🦙",
    "中文分词测试：我爱北京天安门。日本語のテキスト、カタカナ。한국어 문장입니다.",
    "numbers 0 1 12 123 1234 12345 123456789 3.14159 -42 1e-10 1,000,000 ٣٤٥ ⅷ ²",
    "   leading and trailing   ",
    "tabs\t\tand\nnewlines\n\n\nand\r\ncarriage\rreturns",
    "\u00a0nbsp\u00a0and\u3000ideographic\u2003em space",
    "Don't I'LL we'Re THEY'VE it's O'Neil rock'n'roll ''quoted''",
    "Ünïcödé àçcéñts naïve café résumé Ångström",
    "combining: e\u0301 a\u0308 n\u0303 हिन्दी भाषा ไทย العربية עברית",
    "mixed123abc ABCdef αβγ ΑΒΓ Ωmega ǅungla ﬁnance",
    "x" * 300,
    "a  b   c    d\n \n  \n",
    "!!!???...,,,;;;:::---___***",
    "$100 + 50% = €150 ~ ¥200 | <tag> [x] {y} `z` ^2 @user #tag",
    "\u200b zero\u200bwidth \ufeffbom \u00ad soft",
]

# Special-token texts for the parse_special=true run (present or not in a given vocabulary).
SPECIAL = [
    "<s>Hello</s>",
    "<|endoftext|>Hi<|endoftext|>",
    "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHello!<|eot_id|>",
    "<|im_start|>user\nHi there<|im_end|>\n<|im_start|>assistant\n",
    "<|user|>\nQuestion? <|end|>\n<|assistant|>",
    " <s> spaced </s> ",
    "<fim_prefix>def f():<fim_suffix>\n<fim_middle>",
    "plain text without specials",
]


def run(tool, gguf, text, no_bos, no_parse_special):
    cmd = [tool, "-m", gguf, "--stdin", "--no-escape", "--ids", "--log-disable"]
    if no_bos:
        cmd.append("--no-bos")
    if no_parse_special:
        cmd.append("--no-parse-special")
    out = subprocess.run(cmd, input=text.encode("utf-8"), capture_output=True, check=True).stdout.decode()
    line = [l for l in out.splitlines() if l.startswith("[")][-1]
    return " ".join(t.strip() for t in line.strip("[]").split(",") if t.strip())


tool, vocab_dir, out_dir = sys.argv[1:4]
for name in sys.argv[4:]:
    gguf = f"{vocab_dir}/ggml-vocab-{name}.gguf"
    for suffix, strings, no_bos, no_ps in (("extra", EXTRA, True, True), ("extra-special", SPECIAL, False, False)):
        base = f"{out_dir}/ggml-vocab-{name}.gguf.{suffix}"
        with open(base + ".inp", "w", encoding="utf-8", newline="") as f:
            f.write("".join(s + SEP for s in strings))
        with open(base + ".out", "w", encoding="utf-8", newline="") as f:
            f.write("".join(" " + run(tool, gguf, s, no_bos, no_ps) + "\n" for s in strings))
    print(name, "done")

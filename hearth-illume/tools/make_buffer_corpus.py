#!/usr/bin/env python3
"""Writes the !debug corpus (NAME.buffer, NAME.expected, NAME.env) into the current directory.

Run it from hearth-illume/src/test/resources/buffers. Every expected output here was written by
hand from skeeto/illume's illume.go (Load, LoadProfile, query, marshal, interpolate, addfile,
emitreddit, emitgithub) -- never recorded from the Java implementation -- so DebugCorpusTest
checks the implementation against Illume's semantics. Helper files the buffers use (ctx/,
profiles/, config/illume/) are committed beside the corpus.
"""
import os
# Each case: name -> (buffer, expected stdout, env dict). Expected outputs were written by hand
# from skeeto/illume's illume.go (query/Load/marshal), NOT produced by the Java implementation.
H = "\n\nPOST %s HTTP/1.1\n"
def dbg(url, headers, body):
    s = H % url
    for k in sorted(headers):
        s += "%s: %s\n" % (k, headers[k])
    return s + "\n" + body + "\n\n"
CT = {"content-type": "application/json"}
LL = '"cache_prompt":true,'
cases = {}
def case(name, buf, exp, env=None):
    cases[name] = (buf, exp, env or {})

case("chat-basic",
"""You are a helpful assistant.

!user

Hello, who are you?

!assistant

I am an assistant.

!user
And what is 2+2?
!debug
""",
dbg("http://localhost:8080/chat/completions", CT,
 '{"cache_prompt":true,"max_tokens":2000,"messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Hello, who are you?"},{"role":"assistant","content":"I am an assistant."},{"role":"user","content":"And what is 2+2?"}],"stop":["<|im_end|>"],"stream":true}'))

# directive rules: column 0 only, split at first space, !! escape, unknown !word is content,
# CR/LF trimming only, empty messages dropped, CR makes a directive line ordinary text
# (so the last message keeps the role "assistant": "!user\r" is no directive)
case("content-rules",
"!debug\n!user\n\n  indented first line\t\n!!user is escaped\n!unknown words stay\n !user not in column 0\n!user\n\n\n!assistant\n\n!user\r\nafter cr\n",
dbg("http://localhost:8080/chat/completions", CT,
 '{"cache_prompt":true,"max_tokens":2000,"messages":[{"role":"user","content":"  indented first line\\t\\n!user is escaped\\n!unknown words stay\\n !user not in column 0"},{"role":"assistant","content":"!user\\r\\nafter cr"}],"stop":["<|im_end|>"],"stream":true}'))

case("no-messages",
"!debug\n\n\n",
dbg("http://localhost:8080/chat/completions", CT,
 '{"cache_prompt":true,"max_tokens":2000,"messages":[],"stop":["<|im_end|>"],"stream":true}'))

case("assistant-first-and-system-after-begin",
"ignored header\nTo: someone\n!begin\nBe brief.\n!assistant\nHow can I help?\n!user\nSay hi.\n!note this line is a note\n!end\n!user\nnever sent\n!debug\n",
# !debug after !end is never seen: a real request would go out, so this case uses !debug first
None)
del cases["assistant-first-and-system-after-begin"]
case("begin-end-note",
"!debug\nignored header\nTo: someone\n!begin\nBe brief.\n!assistant\nHow can I help?\n!user\nSay hi.\n!note this line is a note\n!end\n!user\nnever sent\n",
dbg("http://localhost:8080/chat/completions", CT,
 '{"cache_prompt":true,"max_tokens":2000,"messages":[{"role":"system","content":"Be brief."},{"role":"assistant","content":"How can I help?"},{"role":"user","content":"Say hi."}],"stop":["<|im_end|>"],"stream":true}'))

# JSON keys: Go float64 formatting, sorted keys (UTF-8 byte order), no HTML escaping,
# strings when not JSON, bare key deletes, buffer beats profile
case("keys-json",
"""!debug
!:temperature 0.50
!:top_p 1.0
!:model "quoted-model"
!:plain some words here
!:stop ["a", "b<&>"]
!:obj {"b": 1, "a": [true, null, 2.5]}
!:bad {not json
!:tiny 0.0000001
!:edge 0.000001
!:huge 1e21
!:large 100000000000000000000
!:long 123456789012345678901234
!:neg -0
!:nullish null
!:cache_prompt false
!:max_tokens
!:é 1
!:Z 2
!:_ 3
!:ctl "tab\\tnl\\nbs\\bff\\fx\\u0001\\u2028"
!:
!>
!user
Hi
""",
dbg("http://localhost:8080/chat/completions", CT,
 '{"Z":2,"_":3,"bad":"{not json","cache_prompt":false,"ctl":"tab\\tnl\\nbs\\bff\\fx\\u0001\\u2028","edge":0.000001,"huge":1e+21,"large":100000000000000000000,"long":1.2345678901234569e+23,"messages":[{"role":"system","content":"!:\\n!>"},{"role":"user","content":"Hi"}],"model":"quoted-model","neg":-0,"nullish":null,"obj":{"a":[true,null,2.5],"b":1},"plain":"some words here","stop":["a","b<&>"],"stream":true,"temperature":0.5,"tiny":1e-7,"top_p":1,"é":1}'))

# stream is always forced true, even over the buffer
case("stream-forced",
"!debug\n!:stream false\n!:max_tokens 64\nhello\n",
dbg("http://localhost:8080/chat/completions", CT,
 '{"cache_prompt":true,"max_tokens":64,"messages":[{"role":"system","content":"hello"}],"stop":["<|im_end|>"],"stream":true}'))

# headers: $VAR and ${VAR} expansion, unset is empty, empty value deletes, $ rules of os.ExpandEnv
case("headers",
"!debug\n!>authorization Bearer $TEST_TOKEN\n!>x-braced ${TEST_TOKEN}-suffix\n!>x-unset [$ILLUME_TEST_UNSET]\n!>x-dollar costs $5 or $ \n!>content-type\n!>x-removed yes\n!>x-removed\n!>User-Agent  My Client 1.0  \n!user\nq\n",
dbg("http://localhost:8080/chat/completions",
 {"authorization": "Bearer abc123", "x-braced": "abc123-suffix", "x-unset": "[]", "x-dollar": "costs  or $", "User-Agent": "My Client 1.0"},
 '{"cache_prompt":true,"max_tokens":2000,"messages":[{"role":"user","content":"q"}],"stop":["<|im_end|>"],"stream":true}'),
 {"TEST_TOKEN": "abc123"})

# !api: trailing slash added, endpoint appended; a later !api in the buffer wins; profile !api ignored
case("api-plain",
"!debug\n!api http://example.test:9000/v1\n!api   http://example.test:9001/v1   \n!user\nq\n",
dbg("http://example.test:9001/v1/chat/completions", CT,
 '{"cache_prompt":true,"max_tokens":2000,"messages":[{"role":"user","content":"q"}],"stop":["<|im_end|>"],"stream":true}'))

case("api-literal",
'!debug\n!api "http://example.test/exact/path"\n!completion\nOnce upon a time\n',
dbg("http://example.test/exact/path", CT,
 '{"cache_prompt":true,"max_tokens":2000,"prompt":"Once upon a time","stop":["<|im_end|>"],"stream":true}'))

# {key} filled from the body at the end, so a key set after !api counts; non-strings as JSON + newline
case("api-interpolated",
"!debug\n!api https://router.test/models/{model}/v1?n={n}\n!:model org/model-7b\n!:n 3\n!user\nq\n",
dbg("https://router.test/models/org/model-7b/v1?n=3\n/chat/completions", CT,
 '{"cache_prompt":true,"max_tokens":2000,"messages":[{"role":"user","content":"q"}],"model":"org/model-7b","n":3,"stop":["<|im_end|>"],"stream":true}'))

case("api-missing-key",
"!debug\n!api https://router.test/models/{model}/v1\n!user\nq\n",
"\n\n!error\n\ninterpolating URL: missing key: model\n")

case("api-unmatched-brace",
"!debug\n!api https://router.test/{model\n!user\nq\n",
"\n\n!error\n\ninterpolating URL: unmatched '}'\n")

case("completion",
"!debug\n!completion\nThe meaning of life is\n",
dbg("http://localhost:8080/completions", CT,
 '{"cache_prompt":true,"max_tokens":2000,"prompt":"The meaning of life is","stop":["<|im_end|>"],"stream":true}'))

# only the first message is the prompt
case("completion-first-message",
"!debug\n!completion\n!user\nfirst part\n!assistant\nsecond part\n",
dbg("http://localhost:8080/completions", CT,
 '{"cache_prompt":true,"max_tokens":2000,"prompt":"first part","stop":["<|im_end|>"],"stream":true}'))

case("infill",
"!debug\ndef add(a, b):\n!infill\n    return c\n\nprint(add(1, 2))\n",
dbg("http://localhost:8080/infill", CT,
 '{"cache_prompt":true,"input_prefix":"def add(a, b):\\n","input_suffix":"\\n    return c\\n\\nprint(add(1, 2))","max_tokens":2000,"prompt":"","stop":["<|im_end|>"],"stream":true}'))

case("infill-at-end",
"!debug\nint main(void) {\n!infill\n",
dbg("http://localhost:8080/infill", CT,
 '{"cache_prompt":true,"input_prefix":"int main(void) {\\n","input_suffix":"","max_tokens":2000,"prompt":"","stop":["<|im_end|>"],"stream":true}'))

# a template set after the bare !infill does not switch to FIM: the type is decided at !infill
case("infill-template-too-late",
"!debug\nx = 1\n!infill\ny = 2\n!infill <PRE>{prefix}<SUF>{suffix}<MID>\n",
dbg("http://localhost:8080/infill", CT,
 '{"cache_prompt":true,"input_prefix":"x = 1\\n","input_suffix":"\\ny = 2","max_tokens":2000,"prompt":"","stop":["<|im_end|>"],"stream":true}'))

case("infill-custom-template",
"!debug\n!infill <PRE>{prefix}<SUF>{suffix}<MID>\nx = 1\n!infill\ny = 2\n",
dbg("http://localhost:8080/completions", CT,
 '{"cache_prompt":true,"max_tokens":2000,"prompt":"<PRE>x = 1\\n<SUF>\\ny = 2<MID>","stop":["<|im_end|>"],"stream":true}'))

case("infill-template-bad-key",
"!debug\n!infill {prefix}{middle}\nx = 1\n!infill\n",
"\n\n!error\n\n!infill: missing key: middle\n")

FIMPRE = "int sum(int *a, int n) {\n    int s = 0;\n"
FIMSUF = "\n    return s;\n}"
FIMBUF = "!debug\n!profile llama.cpp\n!profile %s\n" + FIMPRE + "!infill\n    return s;\n}\n"
def j(s):
    return s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
P = FIMPRE
S = FIMSUF
fims = {
 "fim:deepseek": "<｜begin▁of▁sentence｜><｜fim▁begin｜>" + P + "<｜fim▁hole｜>" + S + "<｜fim▁end｜>",
 "fim:qwen": "<|fim_prefix|>" + P + "<|fim_suffix|>" + S + "<|fim_middle|>",
 "fim:granite": "<fim_prefix>" + P + "<fim_suffix>" + S + "<fim_middle>",
 "fim:granite4": "<|fim_prefix|>" + P + "<|fim_suffix|>" + S + "<|fim_middle|>",
 "fim:mistral": "[SUFFIX]" + S + "[PREFIX]" + P,
 "fim:codellama": " <PRE> " + P + " <SUF>" + S + " <MID>",
}
for name, prompt in fims.items():
    stop = '["<EOT>"]' if name == "fim:codellama" else '["<|im_end|>"]'
    case("profile-" + name.replace(":", "-"), FIMBUF % name,
      dbg("http://localhost:8080/completions", CT,
       '{"cache_prompt":true,"max_tokens":2000,"prompt":"' + j(prompt) + '","stop":' + stop + ',"stream":true}'))

# a profile named in the buffer replaces the default: no llama.cpp URL, Illume's placeholder stays
case("profile-fim-alone",
"!debug\n!profile fim:qwen\na\n!infill\nb\n",
dbg("http://invalid./completions", CT,
 '{"max_tokens":2000,"prompt":"<|fim_prefix|>a\\n<|fim_suffix|>\\nb<|fim_middle|>","stream":true}'))

case("profile-openai",
"!debug\n!profile openai\n!user\nHi\n",
dbg("https://api.openai.com/v1/chat/completions", {"authorization": "Bearer sk-test-openai", "content-type": "application/json"},
 '{"max_completion_tokens":10000,"messages":[{"role":"user","content":"Hi"}],"model":"gpt-5-nano","stream":true}'),
 {"OPENAI_API_KEY": "sk-test-openai"})

# the buffer's keys beat the profile's, wherever they appear
case("profile-openai-buffer-keys",
"!debug\n!:model gpt-4o\n!profile openai\n!:max_completion_tokens 50\n!user\nHi\n",
dbg("https://api.openai.com/v1/chat/completions", {"authorization": "Bearer ", "content-type": "application/json"},
 '{"max_completion_tokens":50,"messages":[{"role":"user","content":"Hi"}],"model":"gpt-4o","stream":true}'))

case("profile-claude",
"!debug\n!profile claude\nBe concise.\n!user\nHi\n",
dbg("https://api.anthropic.com/v1/messages", {"anthropic-version": "2023-06-01", "x-api-key": "sk-ant-test", "content-type": "application/json"},
 '{"max_tokens":10000,"messages":[{"role":"system","content":"Be concise."},{"role":"user","content":"Hi"}],"model":"claude-sonnet-4-5","stream":true}'),
 {"ANTHROPIC_API_KEY": "sk-ant-test"})

case("profile-claude-extended",
"!debug\n!profile claude-extended\n!user\nThink.\n!assistant\n<think>\nsecret reasoning\n</think>\nAnswer.\n!user\nMore.\n",
dbg("https://api.anthropic.com/v1/messages", {"anthropic-version": "2023-06-01", "x-api-key": "k", "content-type": "application/json"},
 '{"max_tokens":20000,"messages":[{"role":"user","content":"Think."},{"role":"assistant","content":"Answer."},{"role":"user","content":"More."}],"model":"claude-opus-4-1","stream":true,"thinking":{"budget_tokens":10000,"type":"enabled"}}'),
 {"ANTHROPIC_API_KEY": "k"})

case("profile-gemini",
"!debug\n!profile gemini\n!user\nHi\n",
dbg("https://generativelanguage.googleapis.com/v1beta/chat/completions", {"authorization": "Bearer g-key", "content-type": "application/json"},
 '{"max_tokens":10000,"messages":[{"role":"user","content":"Hi"}],"model":"gemini-2.5-pro","stream":true}'),
 {"GEMINI_API_KEY": "g-key"})

case("profile-huggingface",
"!debug\n!profile huggingface.co\n!user\nHi\n",
dbg("https://api-inference.huggingface.co/models/meta-llama/Llama-3.3-70B-Instruct/v1/chat/completions",
 {"authorization": "Bearer hf_x", "x-use-cache": "false", "content-type": "application/json"},
 '{"max_tokens":2000,"messages":[{"role":"user","content":"Hi"}],"model":"meta-llama/Llama-3.3-70B-Instruct","stream":true}'),
 {"HF_TOKEN": "hf_x"})

case("profile-gpt-oss",
"!debug\n!profile llama.cpp\n!profile gpt-oss\n!user\nHi\n!assistant\n<think>\nhidden\n</think>\nHello!\n!user\nAgain\n",
dbg("http://localhost:8080/chat/completions", CT,
 '{"cache_prompt":true,"max_tokens":16384,"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"},{"role":"user","content":"Again"}],"stop":["<|im_end|>"],"stream":true,"temperature":0.6,"top_k":0,"top_p":1}'))

# qwen3's "/no_think" line is content, added where the profile is loaded
case("profile-qwen3",
"!debug\n!profile llama.cpp\n!profile qwen3\n!user\nHi\n",
dbg("http://localhost:8080/chat/completions", CT,
 '{"cache_prompt":true,"max_tokens":2000,"messages":[{"role":"system","content":"/no_think"},{"role":"user","content":"Hi"}],"min_p":0,"stop":["<|im_end|>"],"stream":true,"temperature":0.7,"top_k":20,"top_p":0.8}'))

# ... and as the default profile it is loaded after the buffer: "/no_think" ends the last message
case("env-profile-qwen3",
"!debug\n!user\nHi\n",
dbg("http://invalid./chat/completions", CT,
 '{"max_tokens":2000,"messages":[{"role":"user","content":"Hi\\n/no_think"}],"min_p":0,"stream":true,"temperature":0.7,"top_k":20,"top_p":0.8}'),
 {"ILLUME_PROFILE": "qwen3"})

case("profile-qwen3-think",
"!debug\n!profile llama.cpp\n!profile qwen3-think\n!user\nHi\n",
dbg("http://localhost:8080/chat/completions", CT,
 '{"cache_prompt":true,"max_tokens":16384,"messages":[{"role":"user","content":"Hi"}],"min_p":0,"stop":["<|im_end|>"],"stream":true,"temperature":0.6,"top_k":20,"top_p":0.95}'))

case("profile-qwen3-instruct",
"!debug\n!profile llama.cpp\n!profile qwen3-instruct\n!user\nHi\n",
dbg("http://localhost:8080/chat/completions", CT,
 '{"cache_prompt":true,"max_tokens":16384,"messages":[{"role":"user","content":"Hi"}],"min_p":0,"stop":["<|im_end|>"],"stream":true,"temperature":0.7,"top_k":20,"top_p":0.8}'))

case("profile-gemma-3",
"!debug\n!profile llama.cpp\n!profile gemma-3\n!user\nHi\n",
dbg("http://localhost:8080/chat/completions", CT,
 '{"cache_prompt":true,"max_tokens":2000,"messages":[{"role":"user","content":"Hi"}],"min_p":0.01,"repeat_penalty":1,"stop":["<|im_end|>"],"stream":true,"temperature":1,"top_k":64,"top_p":0.95}'))

case("env-profile-openai",
"!debug\nHi\n",
dbg("https://api.openai.com/v1/chat/completions", {"authorization": "Bearer sk-e", "content-type": "application/json"},
 '{"max_completion_tokens":10000,"messages":[{"role":"system","content":"Hi"}],"model":"gpt-5-nano","stream":true}'),
 {"ILLUME_PROFILE": "openai", "OPENAI_API_KEY": "sk-e"})

# the first !api of any profile wins; later profiles cannot move it
case("profile-first-api-wins",
"!debug\n!profile openai\n!profile gemini\n!user\nHi\n",
dbg("https://api.openai.com/v1/chat/completions", {"authorization": "Bearer ", "content-type": "application/json"},
 '{"max_completion_tokens":10000,"max_tokens":10000,"messages":[{"role":"user","content":"Hi"}],"model":"gemini-2.5-pro","stream":true}'))

# profile files: a path (relative to the working directory) and a name found in the user config dir
case("profile-file-path",
"!debug\n!profile profiles/local.profile\n!user\nHi\n",
dbg("http://127.0.0.1:7777/v1/chat/completions", {"content-type": "application/json", "x-team": "hearth"},
 '{"cache_prompt":true,"max_tokens":2000,"messages":[{"role":"system","content":"You answer in French."},{"role":"user","content":"Hi"}],"model":"local-model","stop":["<|im_end|>"],"stream":true,"temperature":0.2}'))

case("profile-file-config-dir",
"!debug\n!profile team\n!user\nHi\n",
dbg("https://team.example/api/chat/completions", {"authorization": "Bearer t0k", "content-type": "application/json"},
 '{"max_tokens":512,"messages":[{"role":"user","content":"Hi"}],"stream":true}'),
 {"TEAM_TOKEN": "t0k"})

case("profile-missing",
"!debug\n!profile no-such-profile\n",
"\n\n!error\n\n<stdin>:2: open no-such-profile: no such file or directory\n")

case("profile-missing-path",
"!debug\n\n!profile ./nowhere/x.profile\n",
"\n\n!error\n\n<stdin>:3: open ./nowhere/x.profile: no such file or directory\n")

case("profile-error-inside",
"!debug\n!profile profiles/broken.profile\n",
"\n\n!error\n\n<stdin>:2: profiles/broken.profile:2: !context: wrong number of fields\n")

case("env-profile-missing",
"!debug\nHi\n",
"\n\n!error\n\nopen nothing-here: no such file or directory\n",
 {"ILLUME_PROFILE": "nothing-here"})

case("context-file",
"!debug\n!user\nReview this:\n!context ctx/hello.c\nThanks.\n",
dbg("http://localhost:8080/chat/completions", CT,
 '{"cache_prompt":true,"max_tokens":2000,"messages":[{"role":"user","content":"Review this:\\n**`ctx/hello.c`**\\n```\\n#include <stdio.h>\\nint main(void) { return 0; }\\n```\\n\\nThanks."}],"stop":["<|im_end|>"],"stream":true}'))

# a file with a fenced block gets a longer fence; a file without a final newline gets the fence on its last line
case("context-fences",
"!debug\n!context ctx/docs/guide.md\n!context ctx/docs/nofinal.txt\n!user\nq\n",
dbg("http://localhost:8080/chat/completions", CT,
 '{"cache_prompt":true,"max_tokens":2000,"messages":[{"role":"system","content":"**`ctx/docs/guide.md`**\\n`````\\n# Guide\\n\\n````sh\\nmake\\n````\\ninline ``````code`````` is not at line start\\n`````\\n\\n**`ctx/docs/nofinal.txt`**\\n```\\nlast line```"},{"role":"user","content":"q"}],"stop":["<|im_end|>"],"stream":true}'))

# a directory: lexical walk, suffix filter, names keep the directory's last element unless it ends in a slash
case("context-dir",
"!debug\n!context ctx/proj .py .sql\n!context ctx/proj/ .sql\n!user\nindexes?\n",
dbg("http://localhost:8080/chat/completions", CT,
 '{"cache_prompt":true,"max_tokens":2000,"messages":[{"role":"system","content":"**`proj/app.py`**\\n```\\nimport db\\n```\\n\\n**`proj/db/schema.sql`**\\n```\\nCREATE TABLE t (id INT);\\n```\\n\\n**`proj/db/util.py`**\\n```\\ndef q(): pass\\n```\\n\\n**`db/schema.sql`**\\n```\\nCREATE TABLE t (id INT);\\n```"},{"role":"user","content":"indexes?"}],"stop":["<|im_end|>"],"stream":true}'))

case("context-missing-file",
"!debug\n!user\n!context ctx/none.c\n",
"\n\n!error\n\n<stdin>:3: open ctx/none.c: no such file or directory\n")

case("context-missing-dir",
"!debug\n!context ctx/nodir .c\n",
"\n\n!error\n\n<stdin>:2: lstat ctx/nodir: no such file or directory\n")

case("context-no-args",
"!debug\n!context\n",
"\n\n!error\n\n<stdin>:2: !context: wrong number of fields\n")

case("exclude",
"!debug\n!exclude think\n!user\nq\n!assistant\n<think>\nreasoning with !user inside\n!:temperature 9\n</think>\nfinal answer\n!user\nnext\n",
dbg("http://localhost:8080/chat/completions", CT,
 '{"cache_prompt":true,"max_tokens":2000,"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"final answer"},{"role":"user","content":"next"}],"stop":["<|im_end|>"],"stream":true}'))

# tags must be the whole line; "!exclude" with no tag turns exclusion off
case("exclude-whole-line-only",
"!debug\n!exclude x\n<x> not a tag line\n<x>\ngone\n</x>\n!exclude\n<x>\nkept\n</x>\n",
dbg("http://localhost:8080/chat/completions", CT,
 '{"cache_prompt":true,"max_tokens":2000,"messages":[{"role":"system","content":"<x> not a tag line\\n<x>\\nkept\\n</x>"}],"stop":["<|im_end|>"],"stream":true}'))

# !prepend, !stats and !gpt-oss change the reply, not the request
case("prepend-stats-no-effect",
'!debug\n!prepend "<think>\\n"\n!stats\n!gpt-oss\n!user\nq\n',
dbg("http://localhost:8080/chat/completions", CT,
 '{"cache_prompt":true,"max_tokens":2000,"messages":[{"role":"user","content":"q"}],"stop":["<|im_end|>"],"stream":true}'))

case("github",
"!debug\n!user\n!github ctx/issue.json ctx/comments.json\nSummarize.\n",
dbg("http://localhost:8080/chat/completions", CT,
 '{"cache_prompt":true,"max_tokens":2000,"messages":[{"role":"user","content":"---\\nhttps://github.com/o/r/issues/7\\nCrash on start\\nby @alice\\n\\nIt crashes.\\nSee log.\\n\\n@bob:\\n> Same here.\\n> +1\\n---\\nSummarize."}],"stop":["<|im_end|>"],"stream":true}'))

case("reddit",
"!debug\n!reddit ctx/post.json\n!user\nSummarize.\n",
dbg("http://localhost:8080/chat/completions", CT,
 '{"cache_prompt":true,"max_tokens":2000,"messages":[{"role":"system","content":"# Reddit Post\\n\\nBest editor?\\nby u/op in r/vim\\n---\\nWhich one?\\n---\\n\\nu/a:\\n> Vim.\\n\\n> u/b:\\n>> Emacs.\\n>> Really.\\n---"},{"role":"user","content":"Summarize."}],"stop":["<|im_end|>"],"stream":true}'))

case("reddit-post-only",
"!debug\n!reddit! ctx/post.json\n",
dbg("http://localhost:8080/chat/completions", CT,
 '{"cache_prompt":true,"max_tokens":2000,"messages":[{"role":"system","content":"# Reddit Post\\n\\nBest editor?\\nby u/op in r/vim\\n---\\nWhich one?\\n---"}],"stop":["<|im_end|>"],"stream":true}'))

# a bare !profile names the empty file
case("profile-empty",
"!debug\n!profile\n",
"\n\n!error\n\n<stdin>:2: open : no such file or directory\n")

# a directory is not a profile
case("profile-directory",
"!debug\n!profile ctx\n",
"\n\n!error\n\n<stdin>:2: read ctx: is a directory\n")

base = os.path.dirname(os.path.abspath(__file__)) if "__file__" in globals() else "."
for name, (buf, exp, env) in cases.items():
    with open(name + ".buffer", "w", newline="") as f: f.write(buf)
    with open(name + ".expected", "w", newline="") as f: f.write(exp)
    if env:
        with open(name + ".env", "w", newline="") as f:
            for k, v in env.items(): f.write("%s=%s\n" % (k, v))
print(len(cases))

# invalid UTF-8 stays bytes as in a Go string: raw in the header line, one \ufffd per bad byte in JSON
with open("invalid-utf8.buffer", "wb") as f:
    f.write(b"!debug\n!>x-raw a\xffb\n!user\nbad \xff\xfe byte \xe2\x82 end \xc3\xa9\n")
with open("invalid-utf8.expected", "wb") as f:
    f.write(b"\n\nPOST http://localhost:8080/chat/completions HTTP/1.1\ncontent-type: application/json\nx-raw: a\xffb\n\n"
            b'{"cache_prompt":true,"max_tokens":2000,"messages":[{"role":"user","content":"bad \\ufffd\\ufffd byte \\ufffd\\ufffd end \xc3\xa9"}],"stop":["<|im_end|>"],"stream":true}\n\n')

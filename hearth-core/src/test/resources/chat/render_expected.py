#!/usr/bin/env python3
"""Render every chat template in templates/ with every conversation in conversations.json
exactly the way Hugging Face transformers does (see chat_template_utils._compile_jinja_template),
and write the results to expected/<template>/<conversation>.txt, or, when the template raises,
expected/<template>/<conversation>.error holding "<ExceptionType>: <message>".

Also renders the small feature cases in snippets.json (one Jinja feature each) into
expected/snippets.json: {name: {"output": text} or {"error": "<ExceptionType>: <message>"}}.

The JUnit tests ChatTemplateConformanceTest and SnippetConformanceTest compare Hearth's output
with these files byte for byte.
Run from anywhere:  python3 render_expected.py   (needs jinja2 3.x; made with jinja2 3.1.6)
"""
import json
import random
import shutil
from datetime import datetime
from pathlib import Path

import jinja2
import jinja2.ext
from jinja2.sandbox import ImmutableSandboxedEnvironment

HERE = Path(__file__).resolve().parent
# strftime_now must be deterministic; the Java test injects the same instant.
FIXED_NOW = datetime(2025, 3, 7, 9, 5, 3)
BOS, EOS = "<s>", "</s>"


class GenerationTracker(jinja2.ext.Extension):
    """HF's AssistantTracker adds {% generation %}...{% endgeneration %}; without
    return_assistant_tokens_mask it only renders its body, which is all we need."""
    tags = {"generation"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(("name:endgeneration",), drop_needle=True)
        return jinja2.nodes.CallBlock(self.call_method("_render", []), [], [], body).set_lineno(lineno)

    def _render(self, caller):
        return caller()


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    # transformers overrides jinja2's tojson (which HTML-escapes and sorts keys)
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def strftime_now(fmt):
    return FIXED_NOW.strftime(fmt)


def make_env():
    env = ImmutableSandboxedEnvironment(
        trim_blocks=True, lstrip_blocks=True, extensions=[GenerationTracker, jinja2.ext.loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


def main():
    conversations = json.loads((HERE / "conversations.json").read_text(encoding="utf-8"))
    out_root = HERE / "expected"
    if out_root.exists():
        shutil.rmtree(out_root)
    env = make_env()
    counts = {"ok": 0, "error": 0}
    for path in sorted((HERE / "templates").glob("*.jinja")):
        source = path.read_text(encoding="utf-8")
        out_dir = out_root / path.stem
        out_dir.mkdir(parents=True)
        try:
            template = env.from_string(source)
            compile_error = None
        except Exception as e:  # a template jinja2 cannot even parse
            template, compile_error = None, e
        for name, conv in conversations.items():
            context = dict(conv)
            context.setdefault("bos_token", BOS)
            context.setdefault("eos_token", EOS)
            try:
                if compile_error is not None:
                    raise compile_error
                text = template.render(**context)
                (out_dir / f"{name}.txt").write_bytes(text.encode("utf-8"))
                counts["ok"] += 1
            except Exception as e:
                (out_dir / f"{name}.error").write_bytes(f"{type(e).__name__}: {e}".encode("utf-8"))
                counts["error"] += 1
    print(f"jinja2 {jinja2.__version__}: {counts['ok']} rendered, {counts['error']} raised")
    render_snippets(env, out_root)
    render_generated(env, out_root)


def render_snippets(env, out_root):
    snippets = json.loads((HERE / "snippets.json").read_text(encoding="utf-8"))
    results = {}
    for case in snippets:
        try:
            text = env.from_string(case["template"]).render(**case["context"])
            results[case["name"]] = {"output": text}
        except Exception as e:
            results[case["name"]] = {"error": f"{type(e).__name__}: {e}"}
    (out_root / "snippets.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    errors = sum(1 for r in results.values() if "error" in r)
    print(f"snippets: {len(results) - errors} rendered, {errors} raised")


# ---- generated cases: random templates that stress whitespace control and Python semantics ----

TEXTS = ["a", "b", " ", "  ", "\t", "\n", "\n  ", " \n", "x\n", "\n\n", "  y  ", "\t\n\t"]


def gen_body(rng, depth):
    parts = []
    for _ in range(rng.randint(1, 5)):
        parts.append(gen_item(rng, depth))
    return "".join(parts)


def mod(rng, allow_plus=True):
    return rng.choice(["", "", "-", "+"] if allow_plus else ["", "", "-"])


def gen_item(rng, depth):
    kind = rng.choice(["text", "text", "text", "var", "comment", "if", "for", "set"] if depth < 3 else ["text", "var"])
    if kind == "text":
        return rng.choice(TEXTS)
    if kind == "var":
        return "{{" + mod(rng, False) + " v " + mod(rng, False) + "}}"
    if kind == "comment":
        return "{#" + mod(rng) + " c " + mod(rng) + "#}"
    if kind == "set":
        return "{%" + mod(rng) + " set v = v ~ 'S' " + mod(rng) + "%}"
    head = "if v" if kind == "if" else "for i in 'ab'"
    end = "endif" if kind == "if" else "endfor"
    out = "{%" + mod(rng) + " " + head + " " + mod(rng) + "%}" + gen_body(rng, depth + 1)
    if kind == "if" and rng.random() < 0.4:
        out += rng.choice(TEXTS) + "{%" + mod(rng) + " else " + mod(rng) + "%}" + gen_body(rng, depth + 1)
    return out + rng.choice(TEXTS + [""]) + "{%" + mod(rng) + " " + end + " " + mod(rng) + "%}"


LITERALS = ["0", "1", "2", "3", "-4", "7", "0.5", "-2.25", "1e15", "3.0", "'a'", "'B c'", "''", "none",
            "true", "false", "[1, 2]", "['x']", "[]", "(1,)", "{'k': 1}", "n", "s", "l", "d", "u"]
BINOPS = ["+", "-", "*", "/", "//", "%", "~", "==", "!=", "<", ">", "<=", ">=", "and", "or", "in", "not in"]
FILTERS = ["length", "string", "upper", "first", "last", "abs", "int", "float", "round", "tojson", "list",
           "default('D')", "join('-')", "trim", "title", "capitalize", "lower", "sort", "unique|list",
           "reverse|list", "sum", "max", "min", "count", "e", "indent(2)", "replace('a', 'Z')", "items|list",
           "dictsort", "select|list", "map('string')|list", "batch(2)|list", "wordcount", "center(6)"]
TESTS = ["defined", "none", "string", "number", "integer", "float", "mapping", "iterable", "sequence",
         "boolean", "true", "false", "odd", "even", "divisibleby 2", "in [1, 'a']", "eq 1", "lower", "upper"]


def gen_expr(rng, depth):
    r = rng.random()
    if depth >= 3 or r < 0.3:
        return rng.choice(LITERALS)
    if r < 0.6:
        op = rng.choice(BINOPS)
        return "(" + gen_expr(rng, depth + 1) + " " + op + " " + gen_expr(rng, depth + 1) + ")"
    if r < 0.65:
        return "(" + gen_expr(rng, depth + 1) + " ** " + rng.choice(["0", "1", "2", "3"]) + ")"
    if r < 0.8:
        return "(" + gen_expr(rng, depth + 1) + "|" + rng.choice(FILTERS) + ")"
    if r < 0.88:
        return "(" + gen_expr(rng, depth + 1) + " is " + rng.choice(["", "not "]) + rng.choice(TESTS) + ")"
    if r < 0.94:
        return "(" + gen_expr(rng, depth + 1) + " if " + gen_expr(rng, depth + 1) + " else " + gen_expr(rng, depth + 1) + ")"
    return "(not " + gen_expr(rng, depth + 1) + ")"


SEQUENCES = ["s", "l", "ms", "m", "d", "'  Hello, World  '", "'a,b,,c'", "'x\\ny\\r\\nz'", "'ÉtÉ 😀'",
             "[1, 'a', none]", "{'a': [1, {'b': 2}], 'c': none}", "(1, 'a')", "'%s'", "'{}-{}'"]
METHODS = [".strip()", ".strip(' ,')", ".lstrip('H ')", ".rstrip()", ".split()", ".split(',')", ".split(',', 1)",
           ".rsplit(',', 1)", ".startswith('a')", ".startswith(('  ', 'x'))", ".endswith('d  ')", ".upper()", ".lower()",
           ".title()", ".capitalize()", ".replace('l', 'L')", ".replace('l', '', 1)", ".find('o')", ".count('l')",
           ".splitlines()", ".format(1, 2)", ".items()|list", ".keys()|list", ".values()|list", ".get('a')",
           ".get('zz', 'dflt')", "[0]", "[-1]", "[1:]", "[::-1]", "[:2]", "[::2]", ".a", "['a']", ".role", "['content']",
           "[0].role", "|selectattr('role', 'equalto', 'user')|list", "|map(attribute='role')|join(',')",
           "|rejectattr('content')|list", "|selectattr('content', 'defined')|list|length",
           "|map(attribute='content', default='-')|list", "|sort(attribute='role')|map(attribute='role')|list",
           "|tojson(indent=2)", "|tojson(indent=0)", "|dictsort(by='value')", "|join(', ', attribute='role')",
           "|unique(attribute='role')|list", "|batch(2, 'F')|list", "|first|string", "|last|default('L')",
           "|list|reverse|list", "|trim('H ')", "|int(7)", "|float(1.5)", "|string|length", "|items|list",
           "|e|safe", "|center(9)", "|capitalize", " is string", " is not mapping", " is sequence", " % 1",
           "|indent(3, true)", "|wordcount", "|length", "|sum(attribute='b')", "|min", "|max", "|tojson(sort_keys=true)"]


def gen_method_expr(rng):
    expr = rng.choice(SEQUENCES)
    # jinja2 constant-folds slices of literals (a failing one becomes undefined instead of a TypeError),
    # a compile-time quirk no chat template depends on: slice only expressions that involve a variable
    methods = METHODS if expr.isidentifier() else [m for m in METHODS if not m.startswith("[") or ":" not in m]
    for _ in range(rng.randint(1, 2)):
        expr = "(" + expr + rng.choice(methods) + ")"
    if rng.random() < 0.3:
        expr = "(" + expr + " " + rng.choice(BINOPS) + " " + gen_expr(rng, 2) + ")"
    return expr


STMT_VARS = ["x", "ns.t", "loop.index", "loop.index0", "loop.first", "loop.last", "loop.length", "loop.revindex",
             "loop.previtem", "loop.nextitem", "loop.cycle('a', 'b')", "y", "m(x)", "m(x, 2)", "m(b=x)", "acc", "k", "v"]
STMT_ITERS = ["[1, 2, 3]", "'ab'", "d", "d.items()", "[]", "range(3)", "xs", "xs|reverse", "xs|select('odd')",
              "[[1, 2], [3, 4]]"]


def gen_statements(rng, depth):
    def m():
        return rng.choice(["", "", "-"])
    out = []
    for _ in range(rng.randint(1, 4)):
        r = rng.random()
        if r < 0.3 or depth > 2:
            out.append("{{" + m() + " " + rng.choice(STMT_VARS) + " " + m() + "}}" + rng.choice(["", ",", "\n", " "]))
        elif r < 0.5:
            it = rng.choice(STMT_ITERS)
            tgt = "k, v" if it in ("d.items()", "[[1, 2], [3, 4]]") else "x"
            cond = rng.choice(["", "", " if x", " if loop is defined"]) if tgt == "x" else ""
            loop = "{%" + m() + " for " + tgt + " in " + it + cond + " " + m() + "%}" + gen_statements(rng, depth + 1)
            if rng.random() < 0.3:
                loop += "{% else %}E"
            out.append(loop + "{%" + m() + " endfor " + m() + "%}\n")
        elif r < 0.6:
            out.append("{% set y = " + rng.choice(STMT_VARS) + " %}")
        elif r < 0.7:
            out.append("{% set ns.t = ns.t ~ " + rng.choice(STMT_VARS) + " %}")
        elif r < 0.78:
            out.append("{% if " + rng.choice(STMT_VARS) + " %}" + gen_statements(rng, depth + 1) + "{% elif "
                       + rng.choice(STMT_VARS) + " %}B{% else %}" + gen_statements(rng, depth + 1) + "{% endif %}")
        elif r < 0.86:
            out.append("{% if " + rng.choice(STMT_VARS) + " %}{% " + rng.choice(["break", "continue"]) + " %}{% endif %}")
        elif r < 0.92:
            out.append("{% set acc = (acc or []) + [" + rng.choice(STMT_VARS) + "] %}")
        else:
            out.append("{% macro m(a, b=1) %}[{{ a }}|{{ b }}|{{ x }}]{% endmacro %}")
    return "".join(out)


def render_generated(env, out_root):
    rng = random.Random(20250307)
    cases = []
    for _ in range(400):
        cases.append({"template": gen_body(rng, 0), "context": {"v": "V"}})
    for _ in range(600):
        cases.append({"template": "{{ " + gen_expr(rng, 0) + " }}",
                      "context": {"n": 5, "s": "str", "l": [3, 1, 2], "d": {"b": 1, "a": 2}}})
    for _ in range(400):
        cases.append({"template": "{{ " + gen_method_expr(rng) + " }}",
                      "context": {"n": 5, "s": "str", "l": [3, 1, 2], "d": {"b": 1, "a": 2},
                                  "m": {"role": "tool", "content": "c", "a": 1},
                                  "ms": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": None},
                                         {"role": "user"}, {"role": "system", "content": "s"}]}})
    for _ in range(400):
        template = ("{% set ns = namespace(t='') %}{% macro m(a, b=1) %}<{{ a }}:{{ b }}>{% endmacro %}"
                    "{% for x in [7, 8] %}" + gen_statements(rng, 0) + "{% endfor %}|{{ ns.t }}|{{ y }}|{{ acc }}")
        cases.append({"template": template, "context": {"xs": [3, 1, 2], "d": {"p": 1, "q": "w"}}})
    for case in cases:
        try:
            case["output"] = env.from_string(case["template"]).render(**case["context"])
        except Exception as e:
            case["error"] = f"{type(e).__name__}: {e}"
    lines = ",\n".join(json.dumps(case, ensure_ascii=False) for case in cases)  # one case per line
    (out_root / "generated.json").write_text("[\n" + lines + "\n]\n", encoding="utf-8")
    errors = sum(1 for c in cases if "error" in c)
    print(f"generated: {len(cases) - errors} rendered, {errors} raised")

if __name__ == "__main__":
    main()

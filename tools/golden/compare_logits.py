#!/usr/bin/env python3
"""Compares two ref-logits JSON-lines outputs position by position (the method of ../shared/ref/README.md).

usage: compare_logits.py REF.jsonl OTHER.jsonl [--json]
REF's top-k ids define each position's distribution; OTHER must list logits for those ids
(run it with -k equal to the vocabulary size, or at least large enough).
Prints: positions, top-1 agreement, agreement where REF's top-1 leads its second by >= 2,
mean KL(REF || OTHER) over REF's top-k ids, mean |delta top-1 logit|.
"""
import gzip, json, math, sys

def load(path):
    op = gzip.open if path.endswith(".gz") else open
    steps = {}
    with op(path, "rt") as f:
        for line in f:
            o = json.loads(line)
            if "step" in o:
                steps[o["step"]] = o
    return steps

def kl_topk(ref_top, other_logits):
    ids = [i for i, _ in ref_top]
    rl = [l for _, l in ref_top]
    ol = [other_logits[i] for i in ids]
    def softmax(v):
        m = max(v); e = [math.exp(x - m) for x in v]; s = sum(e); return [x / s for x in e]
    p, q = softmax(rl), softmax(ol)
    return sum(pi * math.log(pi / qi) for pi, qi in zip(p, q) if pi > 0)

def compare(ref, other):
    n = agree = confident = confident_agree = 0
    kl = dlogit = 0.0
    for step, r in sorted(ref.items()):
        o = other[step]
        ologits = {i: l for i, l in o["top"]}
        missing = [i for i, _ in r["top"] if i not in ologits]
        if missing:
            raise SystemExit(f"step {step}: ids {missing[:5]} of REF's top-k are not in OTHER's top-k; rerun OTHER with a larger -k")
        n += 1
        agree += r["argmax"] == o["argmax"]
        lead = r["top"][0][1] - r["top"][1][1]
        if lead >= 2:
            confident += 1
            confident_agree += r["argmax"] == o["argmax"]
        kl += kl_topk(r["top"], ologits)
        dlogit += abs(r["top"][0][1] - ologits[r["top"][0][0]])
    return {"positions": n, "top1": agree / n, "confident_positions": confident,
            "confident_top1": confident_agree / max(confident, 1), "mean_kl": kl / n, "mean_abs_dlogit_top1": dlogit / n}

if __name__ == "__main__":
    res = compare(load(sys.argv[1]), load(sys.argv[2]))
    print(json.dumps(res) if "--json" in sys.argv else "\n".join(f"{k}: {v}" for k, v in res.items()))

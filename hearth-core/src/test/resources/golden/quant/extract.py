#!/usr/bin/env python3
"""Helpers of make.sh (see there). Two commands:

edit F32_GGUF      overwrite the first rows of blk.0.attn_q.weight in place with edge cases the
                   Gaussian weights never hit (zeros, constants, one sign only, outliers, tiny and
                   huge magnitudes), so the quantizers' special paths are checked too.
sample DIR OUT     for each quantized DIR/<TYPE>.gguf write OUT/<type>.bin (llama-quantize's bytes
                   of the sampled rows) and OUT/<type>.deq.f32 (gguf-py's dequantization of them);
                   OUT/source.f32 holds the same rows of the F32 model; OUT/manifest.txt lists the
                   sampled row ranges ("tensor first_row rows cols") and the types
                   ("type <file-name> <ggml-type-name>"). All binary files are little-endian.
"""
import os, sys
import numpy as np
import gguf

SAMPLES = [("blk.0.attn_q.weight", 0, 16), ("blk.0.ffn_down.weight", 0, 4)]
TARGETS = {"Q4_0": "Q4_0", "Q4_1": "Q4_1", "Q5_0": "Q5_0", "Q5_1": "Q5_1", "Q8_0": "Q8_0", "Q2_K": "Q2_K",
           "Q3_K_S": "Q3_K", "Q4_K_S": "Q4_K", "Q5_K_S": "Q5_K", "Q6_K": "Q6_K", "F16": "F16", "BF16": "BF16"}


def tensor(reader, name):
    for t in reader.tensors:
        if t.name == name:
            return t
    raise KeyError(name)


def edit(path):
    r = gguf.GGUFReader(path, "r+")
    t = tensor(r, "blk.0.attn_q.weight")
    assert t.tensor_type == gguf.GGMLQuantizationType.F32
    w = t.data  # (rows, cols) view into the file
    cols = w.shape[1]
    rng = np.random.default_rng(99)
    g = rng.standard_normal(cols).astype(np.float32)
    w[0] = 0.0                                       # all zero
    w[1] = 0.125                                     # constant positive
    w[2] = np.abs(g) * 0.05                          # one sign only (min > 0 paths)
    w[3] = -np.abs(g) * 0.05                         # all negative
    w[4] = g * 0.02; w[4][::37] = 1.5                # sparse outliers
    w[5] = g * 1e-7                                  # tiny magnitudes
    w[6] = g * 300.0                                 # huge magnitudes (still fits fp16 scales)
    w[7] = g * 0.02; w[7][:64] = 0.0; w[7][100:116] = -0.03  # zero sub-blocks, a constant one
    w[8] = np.round(g * 4) / 64                      # values on a grid: ties in the rounding
    if hasattr(r, "data") and hasattr(r.data, "flush"):
        r.data.flush()


def sample(src_dir, out):
    f32 = gguf.GGUFReader(os.path.join(src_dir, "F32.gguf") if os.path.exists(os.path.join(src_dir, "F32.gguf"))
                          else os.path.join(src_dir, "f32.gguf"))
    manifest = []
    src = []
    for name, first, rows in SAMPLES:
        t = tensor(f32, name)
        src.append(np.ascontiguousarray(t.data[first:first + rows]).reshape(-1))
        manifest.append(f"tensor {name} {first} {rows} {t.data.shape[1]}")
    np.concatenate(src).astype("<f4").tofile(os.path.join(out, "source.f32"))
    for file_type, ggml_type in TARGETS.items():
        r = gguf.GGUFReader(os.path.join(src_dir, file_type + ".gguf"))
        raw, deq = [], []
        for name, first, rows in SAMPLES:
            t = tensor(r, name)
            if t.tensor_type.name != ggml_type:
                raise SystemExit(f"{file_type}: {name} is {t.tensor_type.name}, expected {ggml_type}")
            data = np.asarray(t.data)                 # (rows, bytes per row) for quantized types
            part = np.ascontiguousarray(data[first:first + rows])
            raw.append(part.view(np.uint8).reshape(-1))
            deq.append(gguf.quants.dequantize(part, t.tensor_type).astype("<f4").reshape(-1))
        np.concatenate(raw).tofile(os.path.join(out, ggml_type.lower() + ".bin"))
        np.concatenate(deq).tofile(os.path.join(out, ggml_type.lower() + ".deq.f32"))
        manifest.append(f"type {ggml_type.lower()} {ggml_type}")
    with open(os.path.join(out, "manifest.txt"), "w") as f:
        f.write("\n".join(manifest) + "\n")


if __name__ == "__main__":
    if sys.argv[1] == "edit":
        edit(sys.argv[2])
    elif sys.argv[1] == "sample":
        sample(sys.argv[2], sys.argv[3])
    else:
        raise SystemExit(__doc__)

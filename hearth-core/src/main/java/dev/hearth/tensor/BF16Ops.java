package dev.hearth.tensor;

import static dev.hearth.tensor.Blocks.*;

import java.lang.foreign.MemorySegment;

/** BF16: little-endian bfloat16 ({@link BFloat16}); dots against BF16 (ggml-cpu.c: vec_dot_type BF16). */
class BF16Ops extends BlockOps {
    BF16Ops() {
        super(GgmlType.BF16, GgmlType.BF16);
    }

    @Override
    void dequantizeBlock(MemorySegment src, long off, float[] dst, int dstOff) {
        dst[dstOff] = BFloat16.toFloat(src.get(SHORT_LE, off));
    }

    @Override
    void quantizeBlock(float[] src, int srcOff, MemorySegment dst, long off) {
        dst.set(SHORT_LE, off, BFloat16.fromFloat(src[srcOff]));
    }

    @Override
    float dotBlock(MemorySegment w, long wOff, MemorySegment a, long aOff) {
        return BFloat16.toFloat(w.get(SHORT_LE, wOff)) * BFloat16.toFloat(a.get(SHORT_LE, aOff));
    }

    /** As ggml_vec_dot_bf16's scalar path: float products summed in double (ggml_float). */
    @Override
    public float dot(MemorySegment w, long wOffset, MemorySegment a, long aOffset, int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += BFloat16.toFloat(w.get(SHORT_LE, wOffset + 2L * i)) * BFloat16.toFloat(a.get(SHORT_LE, aOffset + 2L * i));
        }
        return (float) sum;
    }
}

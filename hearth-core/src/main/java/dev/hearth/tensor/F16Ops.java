package dev.hearth.tensor;

import static dev.hearth.tensor.Blocks.*;

import java.lang.foreign.MemorySegment;

/**
 * F16: little-endian IEEE halves. Encoding rounds to nearest even (ggml's GGML_FP32_TO_FP16, and
 * Java's {@link Float#floatToFloat16}); dots against F16 (ggml-cpu.c: vec_dot_type F16).
 */
class F16Ops extends BlockOps {
    F16Ops() {
        super(GgmlType.F16, GgmlType.F16);
    }

    @Override
    void dequantizeBlock(MemorySegment src, long off, float[] dst, int dstOff) {
        dst[dstOff] = half(src, off);
    }

    @Override
    void quantizeBlock(float[] src, int srcOff, MemorySegment dst, long off) {
        putHalf(dst, off, src[srcOff]);
    }

    @Override
    float dotBlock(MemorySegment w, long wOff, MemorySegment a, long aOff) {
        return half(w, wOff) * half(a, aOff);
    }

    /** As ggml_vec_dot_f16's scalar path: float products summed in double (ggml_float). */
    @Override
    public float dot(MemorySegment w, long wOffset, MemorySegment a, long aOffset, int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) sum += half(w, wOffset + 2L * i) * half(a, aOffset + 2L * i);
        return (float) sum;
    }
}

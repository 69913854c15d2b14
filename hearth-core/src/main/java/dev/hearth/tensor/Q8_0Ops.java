package dev.hearth.tensor;

import static dev.hearth.tensor.Blocks.*;

import java.lang.foreign.MemorySegment;

/**
 * Q8_0: 32 values per 34-byte block = {@code ggml_half d; int8_t qs[32]}, value = d·q
 * (ggml-common.h block_q8_0). Both a weight format and the activation format for Q4_0/Q5_0/Q8_0
 * (ggml-cpu.c type_traits_cpu vec_dot_type).
 */
class Q8_0Ops extends BlockOps {
    static final int QK = 32;

    Q8_0Ops() {
        super(GgmlType.Q8_0, GgmlType.Q8_0);
    }

    @Override
    void dequantizeBlock(MemorySegment src, long off, float[] dst, int dstOff) {
        float d = half(src, off);
        for (int j = 0; j < QK; j++) dst[dstOff + j] = i8(src, off + 2 + j) * d;
    }

    /** quantize_row_q8_0_ref: d = amax/127, q = roundf(x/d) (ties away from zero). */
    @Override
    void quantizeBlock(float[] x, int xOff, MemorySegment dst, long off) {
        float amax = 0;
        for (int j = 0; j < QK; j++) amax = Math.max(amax, Math.abs(x[xOff + j]));
        float d = amax / 127;
        float id = d != 0 ? 1.0f / d : 0.0f;
        putHalf(dst, off, d);
        for (int j = 0; j < QK; j++) putByte(dst, off + 2 + j, QuantMath.roundHalfAway(x[xOff + j] * id));
    }

    /** ggml_vec_dot_q8_0_q8_0_generic: sumi·(d_w·d_a). */
    @Override
    float dotBlock(MemorySegment w, long wOff, MemorySegment a, long aOff) {
        int sumi = 0;
        for (int j = 0; j < QK; j++) sumi += i8(w, wOff + 2 + j) * i8(a, aOff + 2 + j);
        return sumi * (half(w, wOff) * half(a, aOff));
    }
}

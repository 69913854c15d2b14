package dev.hearth.tensor;

import static dev.hearth.tensor.Blocks.*;

import java.lang.foreign.MemorySegment;

/**
 * Q8_1: 32 values per 36-byte block = {@code ggml_half d; ggml_half s; int8_t qs[32]} with
 * s = d·Σq (ggml-common.h block_q8_1). Only an activation format: the dot partner of Q4_1 and Q5_1,
 * whose min term needs Σa, which {@code s} provides. ggml has no Q8_1·Q8_1 dot, so neither do we.
 */
class Q8_1Ops extends BlockOps {
    static final int QK = 32;

    Q8_1Ops() {
        super(GgmlType.Q8_1, GgmlType.Q8_1);
    }

    @Override
    void dequantizeBlock(MemorySegment src, long off, float[] dst, int dstOff) {
        float d = half(src, off);
        for (int j = 0; j < QK; j++) dst[dstOff + j] = i8(src, off + 4 + j) * d;
    }

    /** quantize_row_q8_1_ref: as Q8_0 (roundf), plus s = fp16(Σq · d). */
    @Override
    void quantizeBlock(float[] x, int xOff, MemorySegment dst, long off) {
        float amax = 0;
        for (int j = 0; j < QK; j++) amax = Math.max(amax, Math.abs(x[xOff + j]));
        float d = amax / 127;
        float id = d != 0 ? 1.0f / d : 0.0f;
        putHalf(dst, off, d);
        int sum = 0;
        for (int j = 0; j < QK; j++) {
            int q = QuantMath.roundHalfAway(x[xOff + j] * id);
            putByte(dst, off + 4 + j, q);
            sum += q;
        }
        putHalf(dst, off + 2, sum * d);
    }

    @Override
    float dotBlock(MemorySegment w, long wOff, MemorySegment a, long aOff) {
        throw new UnsupportedOperationException("Q8_1 is an activation format; ggml has no Q8_1 weight dot");
    }
}

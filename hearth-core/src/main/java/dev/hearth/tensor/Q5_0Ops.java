package dev.hearth.tensor;

import static dev.hearth.tensor.Blocks.*;

import java.lang.foreign.MemorySegment;

/**
 * Q5_0: 32 values per 22-byte block = {@code ggml_half d; uint8_t qh[4]; uint8_t qs[16]}; the low
 * four bits as in Q4_0, bit j of the little-endian 32-bit qh is value j's fifth bit; value
 * = d·(q - 16) (ggml-common.h block_q5_0, ggml-quants.c dequantize_row_q5_0). Dots against Q8_0.
 */
class Q5_0Ops extends BlockOps {
    static final int QK = 32;

    Q5_0Ops() {
        super(GgmlType.Q5_0, GgmlType.Q8_0);
    }

    /** The 5-bit level of value j (0..31) of the block at {@code off}, given its qh word. */
    static int level(MemorySegment s, long off, int qh, int j) {
        int q = u8(s, off + 6 + (j & 15));
        int low = j < 16 ? q & 0xF : q >> 4;
        return low | (((qh >>> j) & 1) << 4);
    }

    @Override
    void dequantizeBlock(MemorySegment src, long off, float[] dst, int dstOff) {
        float d = half(src, off);
        int qh = i32(src, off + 2);
        for (int j = 0; j < QK; j++) dst[dstOff + j] = (level(src, off, qh, j) - 16) * d;
    }

    /** quantize_row_q5_0_ref: d = max/-16, q = min(31, trunc(x/d + 16.5)). */
    @Override
    void quantizeBlock(float[] x, int xOff, MemorySegment dst, long off) {
        float amax = 0;
        float max = 0;
        for (int j = 0; j < QK; j++) {
            float v = x[xOff + j];
            if (amax < Math.abs(v)) {
                amax = Math.abs(v);
                max = v;
            }
        }
        float d = max / -16;
        float id = d != 0 ? 1.0f / d : 0.0f;
        putHalf(dst, off, d);
        int qh = 0;
        for (int j = 0; j < QK / 2; j++) {
            int q0 = Math.min(31, (int) (x[xOff + j] * id + 16.5f));
            int q1 = Math.min(31, (int) (x[xOff + QK / 2 + j] * id + 16.5f));
            putByte(dst, off + 6 + j, (q0 & 0xF) | ((q1 & 0xF) << 4));
            qh |= ((q0 >> 4) & 1) << j;
            qh |= ((q1 >> 4) & 1) << (j + QK / 2);
        }
        dst.set(INT_LE, off + 2, qh);
    }

    /** ggml_vec_dot_q5_0_q8_0_generic: (d_w·d_a)·sumi. */
    @Override
    float dotBlock(MemorySegment w, long wOff, MemorySegment a, long aOff) {
        int qh = i32(w, wOff + 2);
        int sumi = 0;
        for (int j = 0; j < QK; j++) sumi += (level(w, wOff, qh, j) - 16) * i8(a, aOff + 2 + j);
        return (half(w, wOff) * half(a, aOff)) * sumi;
    }
}

package dev.hearth.tensor;

import static dev.hearth.tensor.Blocks.*;
import static dev.hearth.tensor.Simd.*;
import static jdk.incubator.vector.VectorOperators.*;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Q6_K: 256 values per 210-byte super-block = {@code uint8_t ql[128]; uint8_t qh[64]; int8_t
 * scales[16]; ggml_half d} (ggml-common.h block_q6_K). 16 sub-blocks of 16 values with signed 8-bit
 * scales; value = d·sc·(q - 32) with 6-bit q. In each half h of 128 values, value 128h+32k+l
 * (k 0..3, l 0..31) has its low nibble in ql[64h + l + 32·(k&1)] (low nibble for k < 2, high
 * otherwise) and its top two bits at bits 2k of qh[32h + l] (ggml-quants.c dequantize_row_q6_K).
 * Dots against Q8_K.
 */
class Q6KOps extends BlockOps {
    static final int QK = 256;
    static final int QL = 0, QH = 128, SCALES = 192, D = 208;

    Q6KOps() {
        super(GgmlType.Q6_K, GgmlType.Q8_K);
    }

    /** The signed level (-32..31) of value e. */
    static int level(MemorySegment s, long off, int e) {
        int h = e / 128, k = (e % 128) / 32, l = e % 32;
        int ql = u8(s, off + QL + 64 * h + l + 32 * (k & 1));
        int low = k < 2 ? ql & 0xF : ql >> 4;
        int high = (u8(s, off + QH + 32 * h + l) >> (2 * k)) & 3;
        return (low | (high << 4)) - 32;
    }

    @Override
    void dequantizeBlock(MemorySegment src, long off, float[] dst, int dstOff) {
        float d = half(src, off + D);
        for (int e = 0; e < QK; e++) dst[dstOff + e] = d * i8(src, off + SCALES + e / 16) * level(src, off, e);
    }

    /**
     * quantize_row_q6_K_ref: make_qx_quants per 16 values (nmax 32, x²-weighted search), scales
     * quantized to int8 against the scale of largest magnitude (iscale = -128/max_scale, capped at
     * 127), then levels recomputed with the quantized scales. A block whose scales are all below
     * GROUP_MAX_EPS is all zero bytes.
     */
    @Override
    void quantizeBlock(float[] x, int xOff, MemorySegment dst, long off) {
        int[] levels = new int[QK];
        float[] scales = new float[16];
        float maxScale = 0;
        float maxAbsScale = 0;
        for (int ib = 0; ib < 16; ib++) {
            float scale = KQuantSearch.makeQxQuants(16, 32, x, xOff + 16 * ib, levels, 16 * ib,
                    KQuantSearch.WEIGHT_X_SQUARED);
            scales[ib] = scale;
            float abs = Math.abs(scale);
            if (abs > maxAbsScale) {
                maxAbsScale = abs;
                maxScale = scale;
            }
        }
        if (maxAbsScale < QuantMath.GROUP_MAX_EPS) {
            dst.asSlice(off, GgmlType.Q6_K.blockBytes).fill((byte) 0);
            return;
        }
        float iscale = -128.f / maxScale;
        putHalf(dst, off + D, 1 / iscale);
        for (int ib = 0; ib < 16; ib++) {
            putByte(dst, off + SCALES + ib, Math.min(127, QuantMath.nearestInt(iscale * scales[ib])));
        }
        float dq = half(dst, off + D);
        for (int j = 0; j < 16; j++) {
            float d = dq * i8(dst, off + SCALES + j);
            if (d == 0) continue;
            for (int i = 0; i < 16; i++) {
                int l = QuantMath.nearestInt(x[xOff + 16 * j + i] / d);
                levels[16 * j + i] = Math.max(-32, Math.min(31, l)) + 32;
            }
        }
        for (int h = 0; h < 2; h++) {
            int j = 128 * h;
            for (int l = 0; l < 32; l++) {
                int q1 = levels[j + l], q2 = levels[j + l + 32], q3 = levels[j + l + 64], q4 = levels[j + l + 96];
                putByte(dst, off + QL + 64 * h + l, (q1 & 0xF) | ((q3 & 0xF) << 4));
                putByte(dst, off + QL + 64 * h + l + 32, (q2 & 0xF) | ((q4 & 0xF) << 4));
                putByte(dst, off + QH + 32 * h + l, (q1 >> 4) | ((q2 >> 4) << 2) | ((q3 >> 4) << 4) | ((q4 >> 4) << 6));
            }
        }
    }

    /** ggml_vec_dot_q6_K_q8_K_generic: (d_w·d_a)·Σ_j sc_j·Σ q·a. */
    @Override
    float dotBlock(MemorySegment w, long wOff, MemorySegment a, long aOff) {
        int isum = 0;
        for (int j = 0; j < 16; j++) {
            int sumj = 0;
            for (int l = 0; l < 16; l++) sumj += i8(a, aOff + Q8KOps.QS + 16 * j + l) * level(w, wOff, 16 * j + l);
            isum += i8(w, wOff + SCALES + j) * sumj;
        }
        return (half(w, wOff + D) * f32(a, aOff)) * isum;
    }


    /**
     * Vector dot. The work of one super-block is its own method that returns a float, so no vector
     * is live across a call the JIT might not inline (C2 then boxes vectors, a 5-10x slowdown), and
     * each method stays under C2's inlining node budget. Each 32-value slice is 32 exact byte products in short
     * lanes, summed into int lanes times the slice's scale(s); the integer total of the super-block is exact and then scaled as in ggml's
     * generic kernel.
     */
    static final class Vectorized extends Q6KOps {
        @Override
        public void dequantize(MemorySegment src, long srcOffset, float[] dst, int dstOffset, int n) {
            Blocks.checkLength(type(), n);
            FastDecode.q6_k(src, srcOffset, dst, dstOffset, n);
        }

        @Override
        public float dot(MemorySegment w, long wOffset, MemorySegment a, long aOffset, int n) {
            checkLength(GgmlType.Q6_K, n);
            float sum = 0;
            for (int b = 0; b < n / QK; b++) sum += superBlock(w, wOffset + 210L * b, a, aOffset + 292L * b);
            return sum;
        }

        /** Slice s (0..7) is values 32s..32s+31: half h = s/4, k = s%4 in the layout of the class comment. */
        static float superBlock(MemorySegment w, long wo, MemorySegment a, long ao) {
            // every scalar read comes first: no vector may be live across a call the JIT might not inline
            float d = half(w, wo + D) * f32(a, ao);
            long scalesLo = w.get(LONG_LE, wo + SCALES);     // int8 scales 0..7
            long scalesHi = w.get(LONG_LE, wo + SCALES + 8); // 8..15
            IntVector isum = IntVector.zero(I512);
            for (int h = 0; h < 2; h++) {
                // each 32-byte field widened once; bit fields cut with short shifts (x86 has no byte shifts)
                ShortVector ql0 = (ShortVector) ByteVector.fromMemorySegment(B256, w, wo + QL + 64 * h, ORDER).convertShape(B2S, S512, 0);
                ShortVector ql1 = (ShortVector) ByteVector.fromMemorySegment(B256, w, wo + QL + 64 * h + 32, ORDER).convertShape(B2S, S512, 0);
                ShortVector qh = (ShortVector) ByteVector.fromMemorySegment(B256, w, wo + QH + 32 * h, ORDER).convertShape(B2S, S512, 0);
                long sc = h == 0 ? scalesLo : scalesHi;
                for (int k = 0; k < 4; k++) {
                    ShortVector ql = (k & 1) == 0 ? ql0 : ql1;
                    ShortVector level = ql.lanewise(ASHR, 4 * (k >> 1)).and((short) 0xF)
                            .or(qh.lanewise(ASHR, 2 * k).and((short) 3).lanewise(LSHL, 4))
                            .sub((short) 32);
                    ShortVector p0 = level.mul((ShortVector) ByteVector.fromMemorySegment(B256, a, ao + Q8KOps.QS + 128 * h + 32 * k, ORDER).convertShape(B2S, S512, 0));
                    isum = isum.add(((IntVector) p0.convertShape(S2I, I512, 0)).mul((byte) (sc >>> (16 * k))))
                            .add(((IntVector) p0.convertShape(S2I, I512, 1)).mul((byte) (sc >>> (16 * k + 8))));
                }
            }
            int total = isum.reduceLanes(ADD);
            return d * total;
        }
    }
}

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
 * Q3_K: 256 values per 110-byte super-block = {@code uint8_t hmask[32]; uint8_t qs[64]; uint8_t
 * scales[12]; ggml_half d} (ggml-common.h block_q3_K). 16 sub-blocks of 16 values with signed 6-bit
 * scales ({@link KScales#q3Scale}); value = d·sc·(q - 4) with q = two low bits (laid out as in Q2_K)
 * plus a high bit, bit e/32 of hmask[e%32]; a clear high bit means "subtract 4" (ggml-quants.c
 * dequantize_row_q3_K). Dots against Q8_K.
 */
class Q3KOps extends BlockOps {
    static final int QK = 256;
    static final int HMASK = 0, QS = 32, SCALES = 96, D = 108;

    Q3KOps() {
        super(GgmlType.Q3_K, GgmlType.Q8_K);
    }

    /** The signed level (-4..3) of value e. */
    static int level(MemorySegment s, long off, int e) {
        int low = (u8(s, off + QS + 32 * (e / 128) + e % 32) >> (2 * ((e % 128) / 32))) & 3;
        int high = (u8(s, off + HMASK + e % 32) >> (e / 32)) & 1;
        return low - (high != 0 ? 0 : 4);
    }

    @Override
    void dequantizeBlock(MemorySegment src, long off, float[] dst, int dstOff) {
        float dAll = half(src, off + D);
        for (int j = 0; j < 16; j++) {
            float dl = dAll * KScales.q3Scale(src, off + SCALES, j);
            for (int l = 0; l < 16; l++) dst[dstOff + 16 * j + l] = dl * level(src, off, 16 * j + l);
        }
    }

    /**
     * quantize_row_q3_K_ref: make_q3_quants per 16 values (nmax 4, with the rmse refinement), scales
     * quantized to signed 6 bits against the scale of largest magnitude (iscale = -32/max_scale,
     * d = 1/iscale), then levels recomputed with the quantized scales.
     */
    @Override
    void quantizeBlock(float[] x, int xOff, MemorySegment dst, long off) {
        int[] levels = new int[QK];
        float[] scales = new float[16];
        float maxScale = 0;
        float amax = 0;
        for (int j = 0; j < 16; j++) {
            scales[j] = KQuantSearch.makeQ3Quants(16, 4, x, xOff + 16 * j, levels, 16 * j, true);
            float scale = Math.abs(scales[j]);
            if (scale > amax) {
                amax = scale;
                maxScale = scales[j];
            }
        }
        byte[] sc = new byte[12];
        if (maxScale != 0) {
            float iscale = -32.f / maxScale;
            for (int j = 0; j < 16; j++) {
                int l = (byte) QuantMath.nearestInt(iscale * scales[j]); // ggml stores it in an int8_t
                l = Math.max(-32, Math.min(31, l)) + 32;
                if (j < 8) {
                    sc[j] = (byte) (l & 0xF);
                } else {
                    sc[j - 8] |= (byte) ((l & 0xF) << 4);
                }
                l >>= 4;
                sc[j % 4 + 8] |= (byte) (l << (2 * (j / 4)));
            }
            putHalf(dst, off + D, 1 / iscale);
        } else {
            putHalf(dst, off + D, 0.f);
        }
        MemorySegment.copy(sc, 0, dst, java.lang.foreign.ValueLayout.JAVA_BYTE, off + SCALES, 12);

        float dq = half(dst, off + D);
        for (int j = 0; j < 16; j++) {
            float d = dq * KScales.q3Scale(dst, off + SCALES, j);
            if (d == 0) continue;
            for (int i = 0; i < 16; i++) {
                int l = QuantMath.nearestInt(x[xOff + 16 * j + i] / d);
                levels[16 * j + i] = Math.max(-4, Math.min(3, l)) + 4;
            }
        }
        // high bits: value e's goes to bit e/32 of hmask[e%32]
        int[] hmask = new int[32];
        for (int e = 0; e < QK; e++) {
            if (levels[e] > 3) {
                hmask[e % 32] |= 1 << (e / 32);
                levels[e] -= 4;
            }
        }
        for (int m = 0; m < 32; m++) putByte(dst, off + HMASK + m, hmask[m]);
        for (int j = 0; j < QK; j += 128) {
            for (int l = 0; l < 32; l++) {
                putByte(dst, off + QS + j / 4 + l, levels[j + l] | (levels[j + l + 32] << 2)
                        | (levels[j + l + 64] << 4) | (levels[j + l + 96] << 6));
            }
        }
    }

    /** ggml_vec_dot_q3_K_q8_K_generic: (d_w·d_a)·Σ_j sc_j·Σ q·a. */
    @Override
    float dotBlock(MemorySegment w, long wOff, MemorySegment a, long aOff) {
        int isum = 0;
        for (int j = 0; j < 16; j++) {
            int sumj = 0;
            for (int l = 0; l < 16; l++) {
                sumj += i8(a, aOff + Q8KOps.QS + 16 * j + l) * level(w, wOff, 16 * j + l);
            }
            isum += KScales.q3Scale(w, wOff + SCALES, j) * sumj;
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
    static final class Vectorized extends Q3KOps {
        @Override
        public float dot(MemorySegment w, long wOffset, MemorySegment a, long aOffset, int n) {
            checkLength(GgmlType.Q3_K, n);
            float sum = 0;
            for (int b = 0; b < n / QK; b++) sum += superBlock(w, wOffset + 110L * b, a, aOffset + 292L * b);
            return sum;
        }

        /** Slice s (0..7): two low bits at shift 2·(s%4) of qs[32·(s/4) ..], high bit s of hmask. */
        static float superBlock(MemorySegment w, long wo, MemorySegment a, long ao) {
            // every scalar read comes first: no vector may be live across a call the JIT might not inline
            float d = half(w, wo + D) * f32(a, ao);
            long scalesLo = KScales.q3Scales(w, wo + SCALES, false); // sub-blocks 0..7, offset by +32
            long scalesHi = KScales.q3Scales(w, wo + SCALES, true);  // 8..15
            // fields widened to shorts once and cut with short shifts (x86 has no byte shifts)
            ShortVector hm = (ShortVector) ByteVector.fromMemorySegment(B256, w, wo + HMASK, ORDER).convertShape(B2S, S512, 0);
            IntVector isum = IntVector.zero(I512);
            for (int h = 0; h < 2; h++) {
                ShortVector q = (ShortVector) ByteVector.fromMemorySegment(B256, w, wo + QS + 32 * h, ORDER).convertShape(B2S, S512, 0);
                long sc = h == 0 ? scalesLo : scalesHi;
                for (int j = 0; j < 4; j++) {
                    int s = 4 * h + j;
                    ShortVector level = q.lanewise(ASHR, 2 * j).and((short) 3)
                            .sub((short) 4, hm.and((short) (1 << s)).compare(EQ, (short) 0));
                    ShortVector p0 = level.mul((ShortVector) ByteVector.fromMemorySegment(B256, a, ao + Q8KOps.QS + 32 * s, ORDER).convertShape(B2S, S512, 0));
                    isum = isum.add(((IntVector) p0.convertShape(S2I, I512, 0)).mul(((int) (sc >>> (16 * j)) & 0xFF) - 32))
                            .add(((IntVector) p0.convertShape(S2I, I512, 1)).mul(((int) (sc >>> (16 * j + 8)) & 0xFF) - 32));
                }
            }
            int total = isum.reduceLanes(ADD);
            return d * total;
        }
    }
}

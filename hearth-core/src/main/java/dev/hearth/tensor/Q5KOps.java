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
 * Q5_K: 256 values per 176-byte super-block = {@code ggml_half d; ggml_half dmin; uint8_t
 * scales[12]; uint8_t qh[32]; uint8_t qs[128]} (ggml-common.h block_q5_K). As Q4_K plus a fifth bit
 * per value: bit e/32 of qh[e%32] (ggml-quants.c dequantize_row_q5_K). Dots against Q8_K.
 */
class Q5KOps extends BlockOps {
    static final int QK = 256;
    static final int D = 0, DMIN = 2, SCALES = 4, QH = 16, QS = 48;

    Q5KOps() {
        super(GgmlType.Q5_K, GgmlType.Q8_K);
    }

    static int level(MemorySegment s, long off, int e) {
        int q = u8(s, off + QS + 32 * (e / 64) + e % 32);
        int low = (e % 64) < 32 ? q & 0xF : q >> 4;
        int high = (u8(s, off + QH + e % 32) >> (e / 32)) & 1;
        return low | (high << 4);
    }

    @Override
    void dequantizeBlock(MemorySegment src, long off, float[] dst, int dstOff) {
        float d = half(src, off + D);
        float min = half(src, off + DMIN);
        int[] sm = new int[2];
        for (int j = 0; j < 8; j++) {
            KScales.scaleMinK4(src, off + SCALES, j, sm);
            float d1 = d * sm[0];
            float m1 = min * sm[1];
            for (int l = 0; l < 32; l++) dst[dstOff + 32 * j + l] = d1 * level(src, off, 32 * j + l) - m1;
        }
    }

    /** quantize_row_q5_K_ref: see {@link KQuantAsym} (nmax 31, rmin -0.5, rdelta 0.1, 15 steps). */
    @Override
    void quantizeBlock(float[] x, int xOff, MemorySegment dst, long off) {
        int[] levels = KQuantAsym.quantize(x, xOff, dst, off + D, off + DMIN, off + SCALES, 31, -0.5f, 0.1f, 15);
        int[] qh = new int[32];
        for (int e = 0; e < QK; e++) {
            if (levels[e] > 15) {
                levels[e] -= 16;
                qh[e % 32] |= 1 << (e / 32);
            }
        }
        for (int l = 0; l < 32; l++) putByte(dst, off + QH + l, qh[l]);
        for (int c = 0; c < 4; c++) {
            for (int l = 0; l < 32; l++) {
                putByte(dst, off + QS + 32 * c + l, levels[64 * c + l] | (levels[64 * c + 32 + l] << 4));
            }
        }
    }

    /** ggml_vec_dot_q5_K_q8_K_generic: as Q4_K with 5-bit levels. */
    @Override
    float dotBlock(MemorySegment w, long wOff, MemorySegment a, long aOff) {
        int[] sm = new int[2];
        int isum = 0;
        int summs = 0;
        for (int j = 0; j < 8; j++) {
            KScales.scaleMinK4(w, wOff + SCALES, j, sm);
            summs += sm[1] * (i16(a, aOff + Q8KOps.BSUMS + 4 * j) + i16(a, aOff + Q8KOps.BSUMS + 4 * j + 2));
            int sumj = 0;
            for (int l = 0; l < 32; l++) sumj += i8(a, aOff + Q8KOps.QS + 32 * j + l) * level(w, wOff, 32 * j + l);
            isum += sm[0] * sumj;
        }
        float da = f32(a, aOff);
        return (half(w, wOff + D) * da) * isum - (half(w, wOff + DMIN) * da) * summs;
    }


    /**
     * Vector dot. The work of one super-block is its own method that returns a float, so no vector
     * is live across a call the JIT might not inline (C2 then boxes vectors, a 5-10x slowdown), and
     * each method stays under C2's inlining node budget. Each 32-value slice is 32 exact byte products in short
     * lanes, summed into int lanes times the slice's scale(s); the integer total of the super-block is exact and then scaled as in ggml's
     * generic kernel.
     */
    static final class Vectorized extends Q5KOps {
        @Override
        public float dot(MemorySegment w, long wOffset, MemorySegment a, long aOffset, int n) {
            checkLength(GgmlType.Q5_K, n);
            float sum = 0;
            for (int b = 0; b < n / QK; b++) sum += superBlock(w, wOffset + 176L * b, a, aOffset + 292L * b);
            return sum;
        }

        static float superBlock(MemorySegment w, long wo, MemorySegment a, long ao) {
            // every scalar read comes first: no vector may be live across a call the JIT might not inline
            float da = f32(a, ao);
            float d = half(w, wo + D) * da;
            float dmin = half(w, wo + DMIN) * da;
            long scales = KScales.scalesK4(w, wo + SCALES);
            long mins = KScales.minsK4(w, wo + SCALES);
            int summs = Q8KOps.minTerm(a, ao, mins);
            // fields widened to shorts once and cut with short shifts (x86 has no byte shifts)
            ShortVector qh = (ShortVector) ByteVector.fromMemorySegment(B256, w, wo + QH, ORDER).convertShape(B2S, S512, 0);
            IntVector isum = IntVector.zero(I512);
            for (int c = 0; c < 4; c++) {
                ShortVector q = (ShortVector) ByteVector.fromMemorySegment(B256, w, wo + QS + 32 * c, ORDER).convertShape(B2S, S512, 0);
                // value e's fifth bit is bit e/32 of qh[e%32]: bit 2c for the low nibbles, 2c+1 for the high
                ShortVector lo = q.and((short) 0xF)
                        .add((short) 16, qh.and((short) (1 << (2 * c))).compare(NE, (short) 0));
                ShortVector hi = q.lanewise(ASHR, 4).and((short) 0xF)
                        .add((short) 16, qh.and((short) (2 << (2 * c))).compare(NE, (short) 0));
                long a8 = ao + Q8KOps.QS + 64 * c;
                ShortVector p0 = lo.mul((ShortVector) ByteVector.fromMemorySegment(B256, a, a8, ORDER).convertShape(B2S, S512, 0));
                ShortVector p1 = hi.mul((ShortVector) ByteVector.fromMemorySegment(B256, a, a8 + 32, ORDER).convertShape(B2S, S512, 0));
                isum = isum.add(((IntVector) p0.convertShape(S2I, I512, 0)).add((IntVector) p0.convertShape(S2I, I512, 1)).mul((int) (scales >>> (16 * c)) & 0xFF))
                        .add(((IntVector) p1.convertShape(S2I, I512, 0)).add((IntVector) p1.convertShape(S2I, I512, 1)).mul((int) (scales >>> (16 * c + 8)) & 0xFF));
            }
            int total = isum.reduceLanes(ADD);
            return d * total - dmin * summs;
        }
    }
}

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
import java.lang.foreign.ValueLayout;

/**
 * Q4_K: 256 values per 144-byte super-block = {@code ggml_half d; ggml_half dmin; uint8_t
 * scales[12]; uint8_t qs[128]} (ggml-common.h block_q4_K). 8 sub-blocks of 32 values with 6-bit
 * scale and min ({@link KScales#scaleMinK4}); value = d·sc·q - dmin·m. Bytes qs[32c .. 32c+31] hold
 * values 64c+l (low nibble) and 64c+32+l (high nibble) (ggml-quants.c dequantize_row_q4_K).
 * Dots against Q8_K.
 */
class Q4KOps extends BlockOps {
    static final int QK = 256;
    static final int D = 0, DMIN = 2, SCALES = 4, QS = 16;

    Q4KOps() {
        super(GgmlType.Q4_K, GgmlType.Q8_K);
    }

    static int level(MemorySegment s, long off, int e) {
        int q = u8(s, off + QS + 32 * (e / 64) + e % 32);
        return (e % 64) < 32 ? q & 0xF : q >> 4;
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

    @Override
    void quantizeBlock(float[] x, int xOff, MemorySegment dst, long off) {
        int[] levels = KQuantAsym.quantize(x, xOff, dst, off + D, off + DMIN, off + SCALES, 15, -1.f, 0.1f, 20);
        for (int c = 0; c < 4; c++) {
            for (int l = 0; l < 32; l++) {
                putByte(dst, off + QS + 32 * c + l, levels[64 * c + l] | (levels[64 * c + 32 + l] << 4));
            }
        }
    }

    /**
     * ggml_vec_dot_q4_K_q8_K_generic: isum = Σ_j sc_j·Σ q·a, summs = Σ_j m_j·(bsums_2j + bsums_2j+1);
     * contribution (d_w·d_a)·isum - (dmin_w·d_a)·summs.
     */
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
    static final class Vectorized extends Q4KOps {
        @Override
        public void dequantize(MemorySegment src, long srcOffset, float[] dst, int dstOffset, int n) {
            Blocks.checkLength(type(), n);
            FastDecode.q4_k(src, srcOffset, dst, dstOffset, n);
        }

        @Override
        public float dot(MemorySegment w, long wOffset, MemorySegment a, long aOffset, int n) {
            checkLength(GgmlType.Q4_K, n);
            float sum = 0;
            for (int b = 0; b < n / QK; b++) sum += superBlock(w, wOffset + 144L * b, a, aOffset + 292L * b);
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
            IntVector isum = IntVector.zero(I512);
            for (int c = 0; c < 4; c++) {
                // widened once, nibbles cut with short shifts (x86 has no byte shifts)
                ShortVector q = (ShortVector) ByteVector.fromMemorySegment(B256, w, wo + QS + 32 * c, ORDER).convertShape(B2S, S512, 0);
                long a8 = ao + Q8KOps.QS + 64 * c;
                ShortVector p0 = q.and((short) 0xF).mul((ShortVector) ByteVector.fromMemorySegment(B256, a, a8, ORDER).convertShape(B2S, S512, 0));
                ShortVector p1 = q.lanewise(ASHR, 4).and((short) 0xF).mul((ShortVector) ByteVector.fromMemorySegment(B256, a, a8 + 32, ORDER).convertShape(B2S, S512, 0));
                isum = isum.add(((IntVector) p0.convertShape(S2I, I512, 0)).add((IntVector) p0.convertShape(S2I, I512, 1)).mul((int) (scales >>> (16 * c)) & 0xFF))
                        .add(((IntVector) p1.convertShape(S2I, I512, 0)).add((IntVector) p1.convertShape(S2I, I512, 1)).mul((int) (scales >>> (16 * c + 8)) & 0xFF));
            }
            int total = isum.reduceLanes(ADD);
            return d * total - dmin * summs;
        }
    }
}

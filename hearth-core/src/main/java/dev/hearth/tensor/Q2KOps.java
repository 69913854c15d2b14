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
 * Q2_K: 256 values per 84-byte super-block = {@code uint8_t scales[16]; uint8_t qs[64]; ggml_half
 * d; ggml_half dmin} (ggml-common.h block_q2_K). 16 sub-blocks of 16 values; scales[j] holds sub-block
 * j's 4-bit scale (low nibble) and 4-bit min (high nibble); value = d·sc·q - dmin·m with q in 0..3.
 * Value e's two bits are bits 2·((e%128)/32) of qs[32·(e/128) + e%32] (ggml-quants.c
 * dequantize_row_q2_K). Dots against Q8_K.
 */
class Q2KOps extends BlockOps {
    static final int QK = 256;
    static final int SCALES = 0, QS = 16, D = 80, DMIN = 82;

    Q2KOps() {
        super(GgmlType.Q2_K, GgmlType.Q8_K);
    }

    static int level(MemorySegment s, long off, int e) {
        return (u8(s, off + QS + 32 * (e / 128) + e % 32) >> (2 * ((e % 128) / 32))) & 3;
    }

    @Override
    void dequantizeBlock(MemorySegment src, long off, float[] dst, int dstOff) {
        float d = half(src, off + D);
        float min = half(src, off + DMIN);
        for (int j = 0; j < 16; j++) {
            int sc = u8(src, off + SCALES + j);
            float dl = d * (sc & 0xF);
            float ml = min * (sc >> 4);
            for (int l = 0; l < 16; l++) dst[dstOff + 16 * j + l] = dl * level(src, off, 16 * j + l) - ml;
        }
    }

    /**
     * quantize_row_q2_K_ref: make_qkx2_quants per 16 values (nmax 3, weights |x|, rmin -0.5,
     * rdelta 0.1, 15 steps, absolute error), then scales and mins each quantized to 4 bits against
     * their maxima (d = max_scale/15, dmin = max_min/15), then the levels recomputed with the
     * quantized scales.
     */
    @Override
    void quantizeBlock(float[] x, int xOff, MemorySegment dst, long off) {
        final float q4scale = 15.f;
        int[] levels = new int[QK];
        float[] weights = new float[16];
        float[] mins = new float[16];
        float[] scales = new float[16];
        float[] theMin = new float[1];
        float maxScale = 0;
        float maxMin = 0;
        for (int j = 0; j < 16; j++) {
            for (int l = 0; l < 16; l++) weights[l] = Math.abs(x[xOff + 16 * j + l]);
            scales[j] = KQuantSearch.makeQkx2Quants(16, 3, x, xOff + 16 * j, weights, levels, 16 * j, theMin,
                    -0.5f, 0.1f, 15, true);
            mins[j] = theMin[0];
            if (scales[j] > maxScale) maxScale = scales[j];
            if (mins[j] > maxMin) maxMin = mins[j];
        }
        int[] packed = new int[16];
        float d = 0, dmin = 0;
        if (maxScale > 0) {
            float iscale = q4scale / maxScale;
            for (int j = 0; j < 16; j++) packed[j] = QuantMath.nearestInt(iscale * scales[j]);
            d = maxScale / q4scale;
        }
        if (maxMin > 0) {
            float iscale = q4scale / maxMin;
            for (int j = 0; j < 16; j++) packed[j] |= QuantMath.nearestInt(iscale * mins[j]) << 4;
            dmin = maxMin / q4scale;
        }
        putHalf(dst, off + D, d);
        putHalf(dst, off + DMIN, dmin);
        float dq = half(dst, off + D);
        float dminq = half(dst, off + DMIN);
        for (int j = 0; j < 16; j++) {
            packed[j] &= 0xFF; // ggml keeps these in uint8_t
            putByte(dst, off + SCALES + j, packed[j]);
            float dj = dq * (packed[j] & 0xF);
            if (dj == 0) continue;
            float dm = dminq * (packed[j] >> 4);
            for (int i = 0; i < 16; i++) {
                int l = QuantMath.nearestInt((x[xOff + 16 * j + i] + dm) / dj);
                levels[16 * j + i] = Math.max(0, Math.min(3, l));
            }
        }
        for (int j = 0; j < QK; j += 128) {
            for (int l = 0; l < 32; l++) {
                putByte(dst, off + QS + j / 4 + l, levels[j + l] | (levels[j + l + 32] << 2)
                        | (levels[j + l + 64] << 4) | (levels[j + l + 96] << 6));
            }
        }
    }

    /**
     * ggml_vec_dot_q2_K_q8_K_generic: isum = Σ_j sc_j·Σ q·a, summs = Σ_j m_j·bsums_j;
     * contribution (d_a·d_w)·isum - (d_a·dmin_w)·summs.
     */
    @Override
    float dotBlock(MemorySegment w, long wOff, MemorySegment a, long aOff) {
        int summs = 0;
        int isum = 0;
        for (int j = 0; j < 16; j++) {
            int sc = u8(w, wOff + SCALES + j);
            summs += i16(a, aOff + Q8KOps.BSUMS + 2 * j) * (sc >> 4);
            int isuml = 0;
            for (int l = 0; l < 16; l++) {
                isuml += i8(a, aOff + Q8KOps.QS + 16 * j + l) * level(w, wOff, 16 * j + l);
            }
            isum += (sc & 0xF) * isuml;
        }
        float da = f32(a, aOff);
        float dall = da * half(w, wOff + D);
        float dmin = da * half(w, wOff + DMIN);
        return dall * isum - dmin * summs;
    }


    /**
     * Vector dot. The work of one super-block is its own method that returns a float, so no vector
     * is live across a call the JIT might not inline (C2 then boxes vectors, a 5-10x slowdown), and
     * each method stays under C2's inlining node budget. Each 32-value slice is 32 exact byte products in short
     * lanes, summed into int lanes times the slice's scale(s); the integer total of the super-block is exact and then scaled as in ggml's
     * generic kernel.
     */
    static final class Vectorized extends Q2KOps {
        @Override
        public float dot(MemorySegment w, long wOffset, MemorySegment a, long aOffset, int n) {
            checkLength(GgmlType.Q2_K, n);
            float sum = 0;
            for (int b = 0; b < n / QK; b++) sum += superBlock(w, wOffset + 84L * b, a, aOffset + 292L * b);
            return sum;
        }

        /** Slice s (0..7): two bits at shift 2·(s%4) of qs[32·(s/4) ..]; sub-blocks 2s and 2s+1. */
        static float superBlock(MemorySegment w, long wo, MemorySegment a, long ao) {
            // every scalar read comes first: no vector may be live across a call the JIT might not inline
            float da = f32(a, ao);
            float dall = da * half(w, wo + D);
            float dmin = da * half(w, wo + DMIN);
            long scalesLo = w.get(LONG_LE, wo + SCALES);     // sub-blocks 0..7: scale low nibble, min high
            long scalesHi = w.get(LONG_LE, wo + SCALES + 8); // 8..15
            int summs = 0;
            for (int k = 0; k < 4; k++) { // bsums read four at a time: scalar segment reads are not free
                long four = a.get(LONG_LE, ao + Q8KOps.BSUMS + 8L * k);
                long sc = k < 2 ? scalesLo : scalesHi;
                int base = 32 * (k & 1); // bit offset of sub-block 4k's byte in sc
                summs += (short) four * ((int) (sc >>> (base + 4)) & 0xF)
                        + (short) (four >>> 16) * ((int) (sc >>> (base + 12)) & 0xF)
                        + (short) (four >>> 32) * ((int) (sc >>> (base + 20)) & 0xF)
                        + (short) (four >>> 48) * ((int) (sc >>> (base + 28)) & 0xF);
            }
            IntVector isum = IntVector.zero(I512);
            for (int h = 0; h < 2; h++) {
                // widened once per 32 bytes; the 2-bit fields are then cut with short shifts, which
                // x86 has (byte shifts it does not, the JIT emulates them)
                ShortVector q = (ShortVector) ByteVector.fromMemorySegment(B256, w, wo + QS + 32 * h, ORDER)
                        .convertShape(B2S, S512, 0);
                long sc = h == 0 ? scalesLo : scalesHi;
                for (int j = 0; j < 4; j++) {
                    ShortVector p0 = q.lanewise(ASHR, 2 * j).and((short) 3)
                            .mul((ShortVector) ByteVector.fromMemorySegment(B256, a, ao + Q8KOps.QS + 128 * h + 32 * j, ORDER).convertShape(B2S, S512, 0));
                    isum = isum.add(((IntVector) p0.convertShape(S2I, I512, 0)).mul((int) (sc >>> (16 * j)) & 0xF))
                            .add(((IntVector) p0.convertShape(S2I, I512, 1)).mul((int) (sc >>> (16 * j + 8)) & 0xF));
                }
            }
            int total = isum.reduceLanes(ADD);
            return dall * total - dmin * summs;
        }
    }
}

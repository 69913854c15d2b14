package dev.hearth.tensor;

import static dev.hearth.tensor.Blocks.*;
import static dev.hearth.tensor.Simd.*;
import static jdk.incubator.vector.VectorOperators.*;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorShuffle;
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

    Q3KOps(GgmlType dotType) {
        super(GgmlType.Q3_K, dotType);
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
     * Vector dot against {@link GgmlType#Q8_K_WIDE} activations (see {@link Q8KWideOps}). In each half
     * h of 128 values, value 32g + l takes bits 2g..2g+1 of qs[32h + l] and bit 4h + g of hmask[l];
     * qs[0..63] read as 32 short lanes lines up with activation set g directly, hmask[0..31] repeated
     * in both halves (the upper shifted down by 4) gives the high bits. Levels are taken as the
     * unsigned 0..7 (high bit set = +4) and the −4 comes back as −4·Σ_j scale_j·(Σ activations of
     * group j), as for Q6_K. Scale lanes as Q6_K's (16-value groups).
     */
    static final class Vectorized extends Q3KOps {
        private static final VectorShuffle<Integer> SET0 = Q6KOps.Vectorized.setScales(0), SET1 = Q6KOps.Vectorized.setScales(1),
                SET2 = Q6KOps.Vectorized.setScales(2), SET3 = Q6KOps.Vectorized.setScales(3);
        private static final VectorMask<Long> ODD = VectorMask.fromLong(L512, 0xAA);

        Vectorized() {
            super(GgmlType.Q8_K_WIDE);
        }

        @Override
        public float dot(MemorySegment w, long wOffset, MemorySegment a, long aOffset, int n) {
            checkLength(GgmlType.Q3_K, n);
            FloatVector acc = FloatVector.zero(F512);
            long wo = wOffset, ao = aOffset;
            for (int b = 0; b < n / QK; b++, wo += 110, ao += 704) {
                FloatVector d = FloatVector.broadcast(F512, half(w, wo + D) * f32(a, ao + Q8KWideOps.D));
                long lo = KScales.q3Scales(w, wo + SCALES, false), hi = KScales.q3Scales(w, wo + SCALES, true);
                // the 16 scales (stored +32) as int lanes: longs lo, hi, lo, hi ... read as bytes 0..15
                IntVector sc = ((IntVector) LongVector.broadcast(L512, lo).blend(hi, ODD).reinterpretAsBytes().convertShape(B2I, I512, 0)).sub(32);
                IntVector isum = sc.mul(IntVector.fromMemorySegment(I512, a, ao + Q8KWideOps.SUMS16, ORDER)).lanewise(LSHL, 2).neg();
                ShortVector q = ShortVector.fromMemorySegment(S512, w, wo + QS, ORDER);
                ShortVector hm = ShortVector.fromMemorySegment(S512, w, wo + HMASK, ORDER).rearrange(Q5KOps.Vectorized.REPEAT16)
                        .lanewise(LSHR, Q5KOps.Vectorized.HALF_SHIFT);
                ShortVector v;
                IntVector t;
                v = q.lanewise(LSHR, 0).and((short) 0x0303).or(hm.lanewise(LSHL, 2).and((short) 0x0404));
                t = (IntVector) v.and((short) 0xFF).mul(ShortVector.fromMemorySegment(S512, a, ao + 0, ORDER))
                        .add(v.lanewise(LSHR, 8).mul(ShortVector.fromMemorySegment(S512, a, ao + 64, ORDER))).reinterpretShape(I512, 0);
                isum = isum.add(t.add(t.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul(sc.rearrange(SET0)));
                v = q.lanewise(LSHR, 2).and((short) 0x0303).or(hm.lanewise(LSHL, 1).and((short) 0x0404));
                t = (IntVector) v.and((short) 0xFF).mul(ShortVector.fromMemorySegment(S512, a, ao + 128, ORDER))
                        .add(v.lanewise(LSHR, 8).mul(ShortVector.fromMemorySegment(S512, a, ao + 192, ORDER))).reinterpretShape(I512, 0);
                isum = isum.add(t.add(t.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul(sc.rearrange(SET1)));
                v = q.lanewise(LSHR, 4).and((short) 0x0303).or(hm.and((short) 0x0404));
                t = (IntVector) v.and((short) 0xFF).mul(ShortVector.fromMemorySegment(S512, a, ao + 256, ORDER))
                        .add(v.lanewise(LSHR, 8).mul(ShortVector.fromMemorySegment(S512, a, ao + 320, ORDER))).reinterpretShape(I512, 0);
                isum = isum.add(t.add(t.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul(sc.rearrange(SET2)));
                v = q.lanewise(LSHR, 6).and((short) 0x0303).or(hm.lanewise(LSHR, 1).and((short) 0x0404));
                t = (IntVector) v.and((short) 0xFF).mul(ShortVector.fromMemorySegment(S512, a, ao + 384, ORDER))
                        .add(v.lanewise(LSHR, 8).mul(ShortVector.fromMemorySegment(S512, a, ao + 448, ORDER))).reinterpretShape(I512, 0);
                isum = isum.add(t.add(t.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul(sc.rearrange(SET3)));
                acc = isum.convert(I2F, 0).reinterpretAsFloats().fma(d, acc);
            }
            // LaneSum.of's tree spelled out: C2 stops inlining into a kernel this large (-XX:+PrintInlining:
            // NodeCountInliningCutoff), and a call that is not inlined boxes its vector argument
            acc = acc.add(acc.rearrange(LaneSum.HALF8));
            acc = acc.add(acc.rearrange(LaneSum.HALF4));
            acc = acc.add(acc.rearrange(LaneSum.HALF2));
            return acc.lane(0) + acc.lane(1);
        }
    }
}

package dev.hearth.tensor;

import static dev.hearth.tensor.Blocks.*;
import static dev.hearth.tensor.Simd.*;
import static jdk.incubator.vector.VectorOperators.*;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorShuffle;
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

    Q2KOps(GgmlType dotType) {
        super(GgmlType.Q2_K, dotType);
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
     * Vector dot against {@link GgmlType#Q8_K_WIDE} activations (see {@link Q8KWideOps}): value
     * 128h + 32g + l is bits 2g..2g+1 of qs[32h + l], so qs read as 32 short lanes lines up with
     * activation set g directly; lanes' even and odd products are summed in 16 bits, adjacent lanes in
     * 32, times the 16-value group's 4-bit scale (lanes as Q6_K's). The mins term Σ_j m_j·(Σ
     * activations of group j) is one vector product with the precomputed group sums.
     */
    static final class Vectorized extends Q2KOps {
        private static final VectorShuffle<Integer> SET0 = Q6KOps.Vectorized.setScales(0), SET1 = Q6KOps.Vectorized.setScales(1),
                SET2 = Q6KOps.Vectorized.setScales(2), SET3 = Q6KOps.Vectorized.setScales(3);

        Vectorized() {
            super(GgmlType.Q8_K_WIDE);
        }

        @Override
        public float dot(MemorySegment w, long wOffset, MemorySegment a, long aOffset, int n) {
            checkLength(GgmlType.Q2_K, n);
            FloatVector acc = FloatVector.zero(F512);
            long wo = wOffset, ao = aOffset;
            for (int b = 0; b < n / QK; b++, wo += 84, ao += 704) {
                float da = f32(a, ao + Q8KWideOps.D);
                int dd = w.get(INT_LE, wo + D);
                FloatVector d = FloatVector.broadcast(F512, Float.float16ToFloat((short) dd) * da);
                FloatVector negDmin = FloatVector.broadcast(F512, -(Float.float16ToFloat((short) (dd >>> 16)) * da));
                IntVector packed = (IntVector) ByteVector.fromMemorySegment(B128, w, wo + SCALES, ORDER).convertShape(B2I, I512, 0);
                IntVector sc = packed.and(0xF);
                IntVector mins = packed.lanewise(LSHR, 4).and(0xF);
                acc = mins.mul(IntVector.fromMemorySegment(I512, a, ao + Q8KWideOps.SUMS16, ORDER)).convert(I2F, 0).reinterpretAsFloats()
                        .fma(negDmin, acc);
                ShortVector q = ShortVector.fromMemorySegment(S512, w, wo + QS, ORDER);
                IntVector isum = IntVector.zero(I512);
                ShortVector v;
                IntVector t;
                v = q.and((short) 0x0303);
                t = (IntVector) v.and((short) 0xFF).mul(ShortVector.fromMemorySegment(S512, a, ao + 0, ORDER))
                        .add(v.lanewise(LSHR, 8).mul(ShortVector.fromMemorySegment(S512, a, ao + 64, ORDER))).reinterpretShape(I512, 0);
                isum = isum.add(t.add(t.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul(sc.rearrange(SET0)));
                v = q.lanewise(LSHR, 2).and((short) 0x0303);
                t = (IntVector) v.and((short) 0xFF).mul(ShortVector.fromMemorySegment(S512, a, ao + 128, ORDER))
                        .add(v.lanewise(LSHR, 8).mul(ShortVector.fromMemorySegment(S512, a, ao + 192, ORDER))).reinterpretShape(I512, 0);
                isum = isum.add(t.add(t.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul(sc.rearrange(SET1)));
                v = q.lanewise(LSHR, 4).and((short) 0x0303);
                t = (IntVector) v.and((short) 0xFF).mul(ShortVector.fromMemorySegment(S512, a, ao + 256, ORDER))
                        .add(v.lanewise(LSHR, 8).mul(ShortVector.fromMemorySegment(S512, a, ao + 320, ORDER))).reinterpretShape(I512, 0);
                isum = isum.add(t.add(t.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul(sc.rearrange(SET2)));
                v = q.lanewise(LSHR, 6).and((short) 0x0303);
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

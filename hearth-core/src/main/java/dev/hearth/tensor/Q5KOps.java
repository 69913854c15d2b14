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

    Q5KOps(GgmlType dotType) {
        super(GgmlType.Q5_K, dotType);
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
     * Vector dot against {@link GgmlType#Q8_K_WIDE} activations: Q4_K's kernel (see there for the
     * lane layout) with the fifth bits added before the products. Set g's fifth bit of value e is bit
     * {@code 4h + g} of {@code qh[e % 32]} (h = 0 for lanes 0..15, 1 for 16..31), so qh[0..31] is read
     * as 16 short lanes, repeated in both halves, the upper half shifted down by 4; then for each set
     * {@code (qh << (4 - g)) & 0x1010} puts the bit of both bytes of a lane at bit 4 of each. Levels
     * 0..31 times activations: a lane's two products fit 16 bits (|2·31·127|).
     */
    static final class Vectorized extends Q5KOps {
        private static final ShortVector FIRST_HALVES = Q4KOps.Vectorized.halves(0), SECOND_HALVES = Q4KOps.Vectorized.halves(16);
        @SuppressWarnings("unchecked")
        private static final VectorShuffle<Float>[] SETS = new VectorShuffle[] {
            Q4KOps.Vectorized.setScaleLanes(0), Q4KOps.Vectorized.setScaleLanes(1), Q4KOps.Vectorized.setScaleLanes(2), Q4KOps.Vectorized.setScaleLanes(3)};
        static final VectorShuffle<Short> REPEAT16 = VectorShuffle.fromOp(S512, i -> i % 16);
        static final ShortVector HALF_SHIFT = ShortVector.fromArray(S512, new short[] {
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4}, 0);

        Vectorized() {
            super(GgmlType.Q8_K_WIDE);
        }

        @Override
        public void dequantize(MemorySegment src, long srcOffset, float[] dst, int dstOffset, int n) {
            Blocks.checkLength(type(), n);
            FastDecode.q5_k(src, srcOffset, dst, dstOffset, n);
        }

        @Override
        public float dot(MemorySegment w, long wOffset, MemorySegment a, long aOffset, int n) {
            checkLength(GgmlType.Q5_K, n);
            FloatVector acc = FloatVector.zero(F512);
            long wo = wOffset, ao = aOffset;
            for (int b = 0; b < n / QK; b++, wo += 176, ao += 704) {
                float da = f32(a, ao + Q8KWideOps.D);
                int head = w.get(INT_LE, wo);
                FloatVector d = FloatVector.broadcast(F512, Float.float16ToFloat((short) head) * (da * 0x1p-16f));
                FloatVector negDmin = FloatVector.broadcast(F512, -(Float.float16ToFloat((short) (head >>> 16)) * da));
                // the 8 scales in lanes 0..7, the 8 mins in lanes 8..15 (KScales.K4_PICK_X), as floats; lanes 0..7 of sums32 are zero
                IntVector h = IntVector.fromMemorySegment(KScales.I128, w, wo, ORDER);
                FloatVector sc = ((IntVector) h.rearrange(KScales.K4_PICK_X).lanewise(LSHR, KScales.K4_SHIFT_X).and(KScales.K4_MASK_X)
                        .or(h.rearrange(KScales.K4_PICK_Y).lanewise(LSHR, 2).and(KScales.K4_MASK_Y)).reinterpretAsBytes().convertShape(B2I, I512, 0))
                        .convert(I2F, 0).reinterpretAsFloats();
                acc = sc.mul(IntVector.fromMemorySegment(I512, a, ao + Q8KWideOps.SUMS32, ORDER).convert(I2F, 0).reinterpretAsFloats()).fma(negDmin, acc);
                FloatVector scales = sc.mul(d);
                ShortVector qh = ShortVector.fromMemorySegment(S512, w, wo + QH, ORDER).rearrange(REPEAT16).lanewise(LSHR, HALF_SHIFT);
                ShortVector x0 = ShortVector.fromMemorySegment(S512, w, wo + QS, ORDER);
                ShortVector x1 = ShortVector.fromMemorySegment(S512, w, wo + QS + 64, ORDER);
                // sets 2j and 2j+1: the low and high nibbles of the first (j = 0) or second bytes, qh bit g moved to bit 4 of each
                // byte. A loop of two, each set's sources carried to the next so that every shift is a 32-bit one by a constant
                // (see Q4KOps.Vectorized and Q6KOps.Vectorized: C2 does not unroll this loop, and a 16-bit shift or one by a
                // set-dependent amount takes a count register); qh is rotated, not shifted, so no bit is lost on the way.
                // Not four copies: the copied-out form was too big for C1 ("out of virtual registers in linear scan"),
                // which left the method at tier 2 for good under tiered compilation, boxing every vector: 0.09 GB/s instead of ~11.
                ShortVector low = FIRST_HALVES.selectFrom(x0, x1), next = SECOND_HALVES.selectFrom(x0, x1);
                IntVector high = ((IntVector) qh.reinterpretShape(I512, 0)).lanewise(ROL, 4);
                for (int j = 0; j < 2; j++) {
                    int g = 2 * j;
                    ShortVector v = low.and((short) 0x0F0F).or(((ShortVector) high.reinterpretShape(S512, 0)).and((short) 0x1010));
                    IntVector t = (IntVector) v.and((short) 0xFF).mul(ShortVector.fromMemorySegment(S512, a, ao + 128 * g, ORDER))
                            .add(((ShortVector) ((IntVector) v.reinterpretShape(I512, 0)).lanewise(LSHR, 8).and(0x00FF00FF).reinterpretShape(S512, 0))
                                    .mul(ShortVector.fromMemorySegment(S512, a, ao + 128 * g + 64, ORDER))).reinterpretShape(I512, 0);
                    // 2^16 times the lane's two 16-bit sums, meeting its sub-block's sc·d in float (see Q4KOps.Vectorized)
                    acc = t.add(t.lanewise(LSHL, 16)).and(0xFFFF0000).convert(I2F, 0).reinterpretAsFloats().fma(scales.rearrange(SETS[g]), acc);
                    v = ((ShortVector) ((IntVector) low.reinterpretShape(I512, 0)).lanewise(LSHR, 4).reinterpretShape(S512, 0)).and((short) 0x0F0F)
                            .or(((ShortVector) high.lanewise(ROR, 1).reinterpretShape(S512, 0)).and((short) 0x1010));
                    t = (IntVector) v.and((short) 0xFF).mul(ShortVector.fromMemorySegment(S512, a, ao + 128 * g + 128, ORDER))
                            .add(((ShortVector) ((IntVector) v.reinterpretShape(I512, 0)).lanewise(LSHR, 8).and(0x00FF00FF).reinterpretShape(S512, 0))
                                    .mul(ShortVector.fromMemorySegment(S512, a, ao + 128 * g + 192, ORDER))).reinterpretShape(I512, 0);
                    acc = t.add(t.lanewise(LSHL, 16)).and(0xFFFF0000).convert(I2F, 0).reinterpretAsFloats().fma(scales.rearrange(SETS[g + 1]), acc);
                    low = next;
                    high = high.lanewise(ROR, 2);
                }
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

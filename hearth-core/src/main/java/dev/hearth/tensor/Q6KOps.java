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
import jdk.incubator.vector.VectorShuffle;
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

    Q6KOps(GgmlType dotType) {
        super(GgmlType.Q6_K, dotType);
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
     * Vector dot against {@link GgmlType#Q8_K_WIDE} activations (see {@link Q8KWideOps}). Per
     * super-block: {@code ql[0..31] | ql[64..95]} as 32 short lanes hold the low 4 bits of activation
     * sets 0 (low nibbles) and 2 (high nibbles), {@code ql[32..63] | ql[96..127]} those of sets 1 and 3;
     * {@code qh[0..63]} read as shorts lines up with both, set g's top two bits at bits 2g of each byte.
     * Both bytes of a lane are completed at once (masks 0x0F0F, 0x3030), then split into the even and
     * odd weight, each multiplied by its activation; levels are taken unsigned (0..63) and the −32
     * offset comes back as −32·Σ_j scale_j·(Σ activations of group j), as ggml's x86 kernel does.
     * Products of a lane sum in 16 bits (|2·63·127| fits), adjacent lanes into 32 bits (exact
     * integers), which meet the 16-value group's {@code scale·d} (lanes 4 apart share one) in one float
     * FMA per set; the offsets' products {@code scale_j·Σ_j} are exact in float and meet −32·d in one
     * more. ggml sums scale times integer exactly before d: a rounding or two per set of difference,
     * ~10^-7 relative (see {@link Q4KOps.Vectorized} on why float: the integer scale products were the
     * busiest port's work).
     *
     * <p>Every shift is a 32-bit one by a constant, masked per short afterwards (see {@link Q4KOps.Vectorized}
     * on 16-bit shifts). C2 does not unroll the loop over the four sets, so a shift by an amount that depends
     * on the set (qh moved by 4 − 2g) was a shift by a register; instead each set's sources are carried to the
     * next: the nibble source goes first, second, first >>> 4, second >>> 4, and qh is rotated left by 4 once
     * and right by 2 per set (a rotation, not a shift, so that set 3 still finds the top bits of each int).
     */
    static final class Vectorized extends Q6KOps {
        private static final ShortVector FIRST_HALVES = Q4KOps.Vectorized.halves(0), SECOND_HALVES = Q4KOps.Vectorized.halves(16);
        /** Scale lanes of set g: lanes 0-3 group 2g, 4-7 group 2g+1, 8-11 group 8+2g, 12-15 group 9+2g. */
        @SuppressWarnings("unchecked")
        private static final VectorShuffle<Float>[] SETS = new VectorShuffle[] {setScaleLanes(0), setScaleLanes(1), setScaleLanes(2), setScaleLanes(3)};

        Vectorized() {
            super(GgmlType.Q8_K_WIDE);
        }

        /** For Q2_K's and Q3_K's integer scales: lanes as {@link #setScaleLanes}. */
        static VectorShuffle<Integer> setScales(int g) {
            return VectorShuffle.fromOp(I512, i -> 8 * (i / 8) + 2 * g + (i % 8) / 4);
        }

        static VectorShuffle<Float> setScaleLanes(int g) {
            return VectorShuffle.fromOp(F512, i -> 8 * (i / 8) + 2 * g + (i % 8) / 4);
        }

        @Override
        public void dequantize(MemorySegment src, long srcOffset, float[] dst, int dstOffset, int n) {
            Blocks.checkLength(type(), n);
            FastDecode.q6_k(src, srcOffset, dst, dstOffset, n);
        }

        @Override
        public float dot(MemorySegment w, long wOffset, MemorySegment a, long aOffset, int n) {
            checkLength(GgmlType.Q6_K, n);
            FloatVector acc = FloatVector.zero(F512);
            long wo = wOffset, ao = aOffset;
            for (int b = 0; b < n / QK; b++, wo += 210, ao += 704) {
                float da = f32(a, ao + Q8KWideOps.D), dw = half(w, wo + D);
                FloatVector sc = ((IntVector) ByteVector.fromMemorySegment(B128, w, wo + SCALES, ORDER).convertShape(B2I, I512, 0)).convert(I2F, 0).reinterpretAsFloats();
                // the −32 offsets: −32·d·Σ_j scale_j·(Σ activations of group j), the products exact
                acc = sc.mul(IntVector.fromMemorySegment(I512, a, ao + Q8KWideOps.SUMS16, ORDER).convert(I2F, 0).reinterpretAsFloats())
                        .fma(FloatVector.broadcast(F512, -32 * (dw * da)), acc);
                FloatVector scales = sc.mul(dw * (da * 0x1p-16f));
                ShortVector x0 = ShortVector.fromMemorySegment(S512, w, wo + QL, ORDER);
                ShortVector x1 = ShortVector.fromMemorySegment(S512, w, wo + QL + 64, ORDER);
                ShortVector qh = ShortVector.fromMemorySegment(S512, w, wo + QH, ORDER);
                // set g: low (g < 2) or high nibbles of the first (g even) or second bytes, qh bits 2g, 2g+1 moved to bits 4, 5
                // of each byte. The sources are carried from set to set so that every shift is by a constant (see the class note)
                ShortVector low = FIRST_HALVES.selectFrom(x0, x1), next = SECOND_HALVES.selectFrom(x0, x1);
                IntVector high = ((IntVector) qh.reinterpretShape(I512, 0)).lanewise(ROL, 4);
                for (int g = 0; g < 4; g++) {
                    ShortVector v = low.and((short) 0x0F0F).or(((ShortVector) high.reinterpretShape(S512, 0)).and((short) 0x3030));
                    IntVector t = (IntVector) v.and((short) 0xFF).mul(ShortVector.fromMemorySegment(S512, a, ao + 128 * g, ORDER))
                            .add(((ShortVector) ((IntVector) v.reinterpretShape(I512, 0)).lanewise(LSHR, 8).and(0x00FF00FF).reinterpretShape(S512, 0))
                                    .mul(ShortVector.fromMemorySegment(S512, a, ao + 128 * g + 64, ORDER))).reinterpretShape(I512, 0);
                    // (t + (t << 16)) & 0xFFFF0000: 2^16 times the sum of the lane's two 16-bit halves
                    acc = t.add(t.lanewise(LSHL, 16)).and(0xFFFF0000).convert(I2F, 0).reinterpretAsFloats().fma(scales.rearrange(SETS[g]), acc);
                    ShortVector shifted = (ShortVector) ((IntVector) low.reinterpretShape(I512, 0)).lanewise(LSHR, 4).reinterpretShape(S512, 0);
                    low = next;
                    next = shifted;
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

        /**
         * Two rows at once, rows r and r + nRows/2 (two weight streams far apart, as Q4_0's and F16's dotRows
         * pair them), the activation vectors loaded once for both; each row's operations are {@link #dot}'s in
         * its order, so the results are {@link #dot}'s to the bit.
         */
        @Override
        public void dotRows(MemorySegment w, long wOffset, long rowStride, int nRows, MemorySegment a, long aOffset, int n, float[] out, int outOffset) {
            checkLength(GgmlType.Q6_K, n);
            int half = nRows / 2;
            for (int r = 0; r < half; r++) {
                long w0 = wOffset + r * rowStride;
                twoRows(w, w0, w0 + half * rowStride, a, aOffset, n / QK, out, outOffset + r, outOffset + r + half);
            }
            // the odd last row as a pair with itself: see Q4_0Ops.Vectorized.dotRows on why not dot
            if ((nRows & 1) != 0) {
                long wr = wOffset + (nRows - 1) * rowStride;
                twoRows(w, wr, wr, a, aOffset, n / QK, out, outOffset + nRows - 1, outOffset + nRows - 1);
            }
        }

        /** {@link #dot} of the rows at w0 and w1 ({@code nb} super-blocks) into out[i0] and out[i1]. */
        private static void twoRows(MemorySegment w, long w0, long w1, MemorySegment a, long aOffset, int nb, float[] out, int i0, int i1) {
            FloatVector acc0 = FloatVector.zero(F512), acc1 = FloatVector.zero(F512);
            long ao = aOffset;
            for (int b = 0; b < nb; b++, w0 += 210, w1 += 210, ao += 704) {
                float da = f32(a, ao + Q8KWideOps.D), dw0 = half(w, w0 + D), dw1 = half(w, w1 + D);
                FloatVector sums = IntVector.fromMemorySegment(I512, a, ao + Q8KWideOps.SUMS16, ORDER).convert(I2F, 0).reinterpretAsFloats();
                FloatVector sc0 = ((IntVector) ByteVector.fromMemorySegment(B128, w, w0 + SCALES, ORDER).convertShape(B2I, I512, 0)).convert(I2F, 0).reinterpretAsFloats();
                FloatVector sc1 = ((IntVector) ByteVector.fromMemorySegment(B128, w, w1 + SCALES, ORDER).convertShape(B2I, I512, 0)).convert(I2F, 0).reinterpretAsFloats();
                acc0 = sc0.mul(sums).fma(FloatVector.broadcast(F512, -32 * (dw0 * da)), acc0);
                acc1 = sc1.mul(sums).fma(FloatVector.broadcast(F512, -32 * (dw1 * da)), acc1);
                FloatVector scales0 = sc0.mul(dw0 * (da * 0x1p-16f)), scales1 = sc1.mul(dw1 * (da * 0x1p-16f));
                ShortVector x0 = ShortVector.fromMemorySegment(S512, w, w0 + QL, ORDER), x1 = ShortVector.fromMemorySegment(S512, w, w0 + QL + 64, ORDER);
                ShortVector y0 = ShortVector.fromMemorySegment(S512, w, w1 + QL, ORDER), y1 = ShortVector.fromMemorySegment(S512, w, w1 + QL + 64, ORDER);
                ShortVector qh0 = ShortVector.fromMemorySegment(S512, w, w0 + QH, ORDER), qh1 = ShortVector.fromMemorySegment(S512, w, w1 + QH, ORDER);
                ShortVector low0 = FIRST_HALVES.selectFrom(x0, x1), next0 = SECOND_HALVES.selectFrom(x0, x1);
                ShortVector low1 = FIRST_HALVES.selectFrom(y0, y1), next1 = SECOND_HALVES.selectFrom(y0, y1);
                IntVector high0 = ((IntVector) qh0.reinterpretShape(I512, 0)).lanewise(ROL, 4), high1 = ((IntVector) qh1.reinterpretShape(I512, 0)).lanewise(ROL, 4);
                for (int g = 0; g < 4; g++) {
                    ShortVector even = ShortVector.fromMemorySegment(S512, a, ao + 128 * g, ORDER);
                    ShortVector odd = ShortVector.fromMemorySegment(S512, a, ao + 128 * g + 64, ORDER);
                    ShortVector v = low0.and((short) 0x0F0F).or(((ShortVector) high0.reinterpretShape(S512, 0)).and((short) 0x3030));
                    IntVector t = (IntVector) v.and((short) 0xFF).mul(even).add(((ShortVector) ((IntVector) v.reinterpretShape(I512, 0)).lanewise(LSHR, 8).and(0x00FF00FF).reinterpretShape(S512, 0)).mul(odd)).reinterpretShape(I512, 0);
                    acc0 = t.add(t.lanewise(LSHL, 16)).and(0xFFFF0000).convert(I2F, 0).reinterpretAsFloats().fma(scales0.rearrange(SETS[g]), acc0);
                    v = low1.and((short) 0x0F0F).or(((ShortVector) high1.reinterpretShape(S512, 0)).and((short) 0x3030));
                    t = (IntVector) v.and((short) 0xFF).mul(even).add(((ShortVector) ((IntVector) v.reinterpretShape(I512, 0)).lanewise(LSHR, 8).and(0x00FF00FF).reinterpretShape(S512, 0)).mul(odd)).reinterpretShape(I512, 0);
                    acc1 = t.add(t.lanewise(LSHL, 16)).and(0xFFFF0000).convert(I2F, 0).reinterpretAsFloats().fma(scales1.rearrange(SETS[g]), acc1);
                    ShortVector shifted0 = (ShortVector) ((IntVector) low0.reinterpretShape(I512, 0)).lanewise(LSHR, 4).reinterpretShape(S512, 0);
                    ShortVector shifted1 = (ShortVector) ((IntVector) low1.reinterpretShape(I512, 0)).lanewise(LSHR, 4).reinterpretShape(S512, 0);
                    low0 = next0;
                    next0 = shifted0;
                    low1 = next1;
                    next1 = shifted1;
                    high0 = high0.lanewise(ROR, 2);
                    high1 = high1.lanewise(ROR, 2);
                }
            }
            // LaneSum.of's tree spelled out, as in dot
            acc0 = acc0.add(acc0.rearrange(LaneSum.HALF8));
            acc0 = acc0.add(acc0.rearrange(LaneSum.HALF4));
            acc0 = acc0.add(acc0.rearrange(LaneSum.HALF2));
            acc1 = acc1.add(acc1.rearrange(LaneSum.HALF8));
            acc1 = acc1.add(acc1.rearrange(LaneSum.HALF4));
            acc1 = acc1.add(acc1.rearrange(LaneSum.HALF2));
            out[i0] = acc0.lane(0) + acc0.lane(1);
            out[i1] = acc1.lane(0) + acc1.lane(1);
        }

        @Override
        public boolean sharesDecodeAcrossTokens() {
            return true;
        }

        /** Q4_K's (measured on Q4_K_M, whose matrices are both). */
        @Override
        public int gemmMinTokens() {
            return Q4KOps.Vectorized.GEMM_MIN_TOKENS;
        }

        /**
         * Speculative decoding's verification, as {@code Q4KOps.Vectorized.dotTokens}: the row decoded once
         * (the 6-bit values as the short lanes {@link #dot} multiplies, the scale vectors spread), then the
         * tokens two at a time, each result {@link #dot}'s to the bit (its only float operations, one FMA per
         * block and the lane tree, in {@link #dot}'s order). One thread, weights in cache, 9 tokens, ns per
         * block and token: 7.1-7.9 against {@link #dot}'s 8.5-9.6 for rows of 2048 to 14336.
         */
        @Override
        public void dotTokens(MemorySegment w, long wOffset, MemorySegment a, long aOffset, long aStride, int tokens, int n,
                              float[] out, int outOffset, int outStride) {
            checkLength(GgmlType.Q6_K, n);
            if (tokens == 1) {
                out[outOffset] = dot(w, wOffset, a, aOffset, n);
                return;
            }
            int t = PAIRS.run(w, wOffset, n / QK, a, aOffset, aStride, tokens, out, outOffset, outStride);
            if (t < tokens) out[outOffset + t * outStride] = dot(w, wOffset, a, aOffset + t * aStride, n);
        }

        /**
         * A decoded block: for each set g the two weight vectors {@link #dot} multiplies activation vectors 2g
         * and 2g+1 by (shorts, at 128·g and 128·g + 64), the 4 spread scale vectors (at 512), the 16 scales
         * (at 768, for the −32 offsets), all as floats, and d (at 832).
         */
        private static final int DECODED_BLOCK = TokenPairs.DECODED_BLOCK, SCALES_AT = 512, RAW_SCALES_AT = 768, D_AT = 832;
        /** The chunked two-token driver over this layout. */
        private static final TokenPairs PAIRS = new TokenPairs(210, Vectorized::decode, Vectorized::twoTokens);

        /** Decodes {@code nb} blocks of the row at {@code w + wOffset} into {@code u} (layout: {@link #DECODED_BLOCK}). */
        private static void decode(MemorySegment w, long wOffset, int nb, MemorySegment u) {
            long wo = wOffset, uo = 0;
            for (int b = 0; b < nb; b++, wo += 210, uo += DECODED_BLOCK) {
                u.set(FLOAT_LE, uo + D_AT, half(w, wo + D));
                FloatVector sc = ((IntVector) ByteVector.fromMemorySegment(B128, w, wo + SCALES, ORDER).convertShape(B2I, I512, 0)).convert(I2F, 0).reinterpretAsFloats();
                sc.intoMemorySegment(u, uo + RAW_SCALES_AT, ORDER);
                ShortVector x0 = ShortVector.fromMemorySegment(S512, w, wo + QL, ORDER);
                ShortVector x1 = ShortVector.fromMemorySegment(S512, w, wo + QL + 64, ORDER);
                ShortVector qh = ShortVector.fromMemorySegment(S512, w, wo + QH, ORDER);
                ShortVector low = FIRST_HALVES.selectFrom(x0, x1), next = SECOND_HALVES.selectFrom(x0, x1);
                IntVector high = ((IntVector) qh.reinterpretShape(I512, 0)).lanewise(ROL, 4);
                for (int g = 0; g < 4; g++) {
                    ShortVector v = low.and((short) 0x0F0F).or(((ShortVector) high.reinterpretShape(S512, 0)).and((short) 0x3030));
                    ShortVector shifted = (ShortVector) ((IntVector) low.reinterpretShape(I512, 0)).lanewise(LSHR, 4).reinterpretShape(S512, 0);
                    low = next;
                    next = shifted;
                    high = high.lanewise(ROR, 2);
                    v.and((short) 0xFF).intoMemorySegment(u, uo + 128 * g, ORDER);
                    ((ShortVector) ((IntVector) v.reinterpretShape(I512, 0)).lanewise(LSHR, 8).and(0x00FF00FF).reinterpretShape(S512, 0)).intoMemorySegment(u, uo + 128 * g + 64, ORDER);
                    sc.rearrange(SETS[g]).intoMemorySegment(u, uo + SCALES_AT + 64 * g, ORDER);
                }
            }
        }

        /** {@link #dot} of the decoded row {@code u} with the tokens at {@code a + aoA} and {@code a + aoB}, resuming (unless {@code first}) and saving their accumulators at {@code u + accAt}, {@code u + accAt + 64}. */
        private static void twoTokens(MemorySegment u, int nb, MemorySegment a, long aoA, long aoB, boolean first, long accAt) {
            FloatVector accA = first ? FloatVector.zero(F512) : FloatVector.fromMemorySegment(F512, u, accAt, ORDER);
            FloatVector accB = first ? FloatVector.zero(F512) : FloatVector.fromMemorySegment(F512, u, accAt + 64, ORDER);
            long uo = 0;
            for (int b = 0; b < nb; b++, uo += DECODED_BLOCK, aoA += 704, aoB += 704) {
                float dw = f32(u, uo + D_AT), daA = f32(a, aoA + Q8KWideOps.D), daB = f32(a, aoB + Q8KWideOps.D);
                FloatVector sc = FloatVector.fromMemorySegment(F512, u, uo + RAW_SCALES_AT, ORDER);
                accA = sc.mul(IntVector.fromMemorySegment(I512, a, aoA + Q8KWideOps.SUMS16, ORDER).convert(I2F, 0).reinterpretAsFloats())
                        .fma(FloatVector.broadcast(F512, -32 * (dw * daA)), accA);
                accB = sc.mul(IntVector.fromMemorySegment(I512, a, aoB + Q8KWideOps.SUMS16, ORDER).convert(I2F, 0).reinterpretAsFloats())
                        .fma(FloatVector.broadcast(F512, -32 * (dw * daB)), accB);
                FloatVector dA = FloatVector.broadcast(F512, dw * (daA * 0x1p-16f)), dB = FloatVector.broadcast(F512, dw * (daB * 0x1p-16f));
                for (int g = 0; g < 4; g++) {
                    ShortVector q0 = ShortVector.fromMemorySegment(S512, u, uo + 128 * g, ORDER), q1 = ShortVector.fromMemorySegment(S512, u, uo + 128 * g + 64, ORDER);
                    FloatVector scg = FloatVector.fromMemorySegment(F512, u, uo + SCALES_AT + 64 * g, ORDER);
                    IntVector tA = (IntVector) q0.mul(ShortVector.fromMemorySegment(S512, a, aoA + 128 * g, ORDER)).add(q1.mul(ShortVector.fromMemorySegment(S512, a, aoA + 128 * g + 64, ORDER))).reinterpretShape(I512, 0);
                    IntVector tB = (IntVector) q0.mul(ShortVector.fromMemorySegment(S512, a, aoB + 128 * g, ORDER)).add(q1.mul(ShortVector.fromMemorySegment(S512, a, aoB + 128 * g + 64, ORDER))).reinterpretShape(I512, 0);
                    accA = tA.add(tA.lanewise(LSHL, 16)).and(0xFFFF0000).convert(I2F, 0).reinterpretAsFloats().fma(scg.mul(dA), accA);
                    accB = tB.add(tB.lanewise(LSHL, 16)).and(0xFFFF0000).convert(I2F, 0).reinterpretAsFloats().fma(scg.mul(dB), accB);
                }
            }
            accA.intoMemorySegment(u, accAt, ORDER);
            accB.intoMemorySegment(u, accAt + 64, ORDER);
        }
    }
}

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
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Q4_0: 32 values per 18-byte block = {@code ggml_half d; uint8_t qs[16]}; byte j holds value j in
 * its low nibble and value j+16 in its high nibble; value = d·(q - 8) (ggml-common.h block_q4_0,
 * ggml-quants.c dequantize_row_q4_0). Dots against Q8_0 activations.
 */
class Q4_0Ops extends BlockOps {
    static final int QK = 32;

    Q4_0Ops() {
        super(GgmlType.Q4_0, GgmlType.Q8_0);
    }

    Q4_0Ops(GgmlType dotType) {
        super(GgmlType.Q4_0, dotType);
    }

    @Override
    void dequantizeBlock(MemorySegment src, long off, float[] dst, int dstOff) {
        float d = half(src, off);
        for (int j = 0; j < QK / 2; j++) {
            int q = u8(src, off + 2 + j);
            dst[dstOff + j] = ((q & 0xF) - 8) * d;
            dst[dstOff + j + QK / 2] = ((q >> 4) - 8) * d;
        }
    }

    /**
     * quantize_row_q4_0_ref: d = max/-8 with max the signed value of largest magnitude (so it maps
     * to level 0 exactly), q = min(15, trunc(x/d + 8.5)).
     */
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
        float d = max / -8;
        float id = d != 0 ? 1.0f / d : 0.0f;
        putHalf(dst, off, d);
        for (int j = 0; j < QK / 2; j++) {
            float x0 = x[xOff + j] * id;
            float x1 = x[xOff + QK / 2 + j] * id;
            int q0 = Math.min(15, (int) (x0 + 8.5f));
            int q1 = Math.min(15, (int) (x1 + 8.5f));
            putByte(dst, off + 2 + j, q0 | (q1 << 4));
        }
    }

    /** ggml_vec_dot_q4_0_q8_0_generic: sumi·d_w·d_a. */
    @Override
    float dotBlock(MemorySegment w, long wOff, MemorySegment a, long aOff) {
        int sumi = 0;
        for (int j = 0; j < QK / 2; j++) {
            int q = u8(w, wOff + 2 + j);
            sumi += ((q & 0xF) - 8) * i8(a, aOff + 2 + j);
            sumi += ((q >> 4) - 8) * i8(a, aOff + 2 + j + QK / 2);
        }
        return sumi * half(w, wOff) * half(a, aOff);
    }

    /**
     * Vector dot against {@link GgmlType#Q8_0_NIBBLE} activations (see {@link Q8_0NibbleOps}), four blocks
     * (72 bytes) per step from two 64-byte loads. Per block, one two-table byte permute (the load and
     * 1.0's bytes) makes int lane i the float 1 + b_i·2^-15 for weight byte b_i, one mask takes off its
     * low nibble, and two FMAs with the pre-scaled activations give the 16 integers
     * {@code (l_i-8)·q_i + (h_i-8)·q_{16+i}} exactly, the lanes of the integer kernel this replaced
     * (measured, one thread, KernelBench: 10 GB/s; with the nibbles masked out of a byte copied to
     * every position, 2 more integer ops a block, dotRows was 12% slower in cache). The four fp16 scales come from the first load in one
     * permute: a half in the upper 16 bits of an int, shifted right by 3 (arithmetic) and masked, is a
     * float with the half's sign, exponent and mantissa, exactly 2^-112 times its value (subnormals
     * included), and the activations' scale carries the 2^112, so {@code d_w·d_a} is the same single
     * rounding as before. Infinite or NaN weight scales, which that trick would read as finite, send the
     * row to {@link #exact}. Then per block {@code acc = fma(s, d_w·d_a, acc)} into one 16-lane
     * accumulator and {@link LaneSum}'s tree, the float order of the integer kernel.
     *
     * <p>One row is bound by that accumulator's FMA latency (4 cycles a block); {@link #dotRows} runs two
     * rows at once, each in exactly {@link #dot}'s order. Self-contained on purpose: see {@link Simd} on
     * why kernels do not call vector helpers.
     */
    static final class Vectorized extends Q4_0Ops {
        /*
         * The kernels below reinterpret byte and short vectors with reinterpretShape, never reinterpretAsInts or
         * reinterpretAsShorts: those are AbstractVector's, whose one virtual call inside (asVectorRaw) has one type profile
         * shared by every caller in the process. Other kernels fill it with Short512Vector and Float512Vector (two entries is
         * all a profile keeps), and when C2 then compiled twoRowSpan it could not bind the call for this kernel's
         * Byte512Vector: it left a virtual call in the loop (LogCompilation: "virtual call", receiver profile Short512Vector /
         * Float512Vector); the process that got that compile generated at 24 t/s where others of the same bench gave
         * 44-46. reinterpretShape is overridden by each vector class, so its call is bound by this call site's own
         * profile, which only ever sees this kernel's class. (twoRowSpan also compiles at ~36,500 live nodes, near C2's
         * inlining cutoff of 40,000: see bin/hearth, which raises it.)
         */
        Vectorized() {
            super(GgmlType.Q8_0_NIBBLE);
        }

        /**
         * Indices for {@code selectFrom(load, ONE)}: int lane i becomes the bytes 00, weight byte start+i,
         * 0x80, 0x3F — the float 1 + q·2^-15 for the weight byte q (1.0's bits from {@link #ONE}).
         */
        private static ByteVector spread(int start) {
            byte[] idx = new byte[64];
            for (int i = 0; i < 16; i++) {
                idx[4 * i] = 64;
                idx[4 * i + 1] = (byte) (start + i);
                idx[4 * i + 2] = 64 + 2;
                idx[4 * i + 3] = 64 + 3;
            }
            return ByteVector.fromArray(ByteVector.SPECIES_512, idx, 0);
        }

        /** Blocks 0..2's qs from the load at the group start, block 3's from the load 8 bytes on. */
        private static final ByteVector QS0 = spread(2), QS1 = spread(20), QS2 = spread(38), QS3 = spread(48);
        /** 1.0f in every int lane, as bytes: the second table of the spread. */
        private static final ByteVector ONE = IntVector.broadcast(I512, 0x3F800000).reinterpretAsBytes();
        /** The four blocks' fp16 scales (shorts 0, 9, 18, 27 of the group) into the upper halves of int lanes 0..3. */
        private static final VectorShuffle<Short> WEIGHT_SCALES = VectorShuffle.fromOp(S512, i -> i == 1 ? 0 : i == 3 ? 9 : i == 5 ? 18 : i == 7 ? 27 : 0);
        private static final VectorShuffle<Float> LANE0 = VectorShuffle.fromOp(F512, i -> 0), LANE1 = VectorShuffle.fromOp(F512, i -> 1),
                LANE2 = VectorShuffle.fromOp(F512, i -> 2), LANE3 = VectorShuffle.fromOp(F512, i -> 3);
        /** The fp16 exponent field of lanes 0..3's scales: all ones is inf or NaN. */
        private static final IntVector EXPONENTS = IntVector.fromArray(I512, new int[] {0x7C000000, 0x7C000000, 0x7C000000, 0x7C000000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 0);

        @Override
        public void dequantize(MemorySegment src, long srcOffset, float[] dst, int dstOffset, int n) {
            Blocks.checkLength(type(), n);
            FastDecode.q4_0(src, srcOffset, dst, dstOffset, n);
        }

        @Override
        public float dot(MemorySegment w, long wOffset, MemorySegment a, long aOffset, int n) {
            checkLength(GgmlType.Q4_0, n);
            int nb = n / QK;
            if ((nb & 3) != 0) return exact(w, wOffset, a, aOffset, nb);
            // oneRowSpan's loop written again, its accumulator kept in a register instead of carried through an
            // array (a vector returned from the span, not inlined, would be boxed): dot per row (MoE experts,
            // tokenwise steps) through the span ran 9.6-13.7 GB/s against 12.5-15.0 for this loop (one thread,
            // 4096-wide rows from memory, 4 alternating rounds). RowBlocksTest fails if the two ever differ by a bit.
            FloatVector acc = FloatVector.zero(F512);
            IntVector special = IntVector.zero(I512);
            for (int b = 0; b < nb; b += 4) {
                long wo = wOffset + 18L * b, ao = aOffset + 256L * b;
                ByteVector l0 = ByteVector.fromMemorySegment(ByteVector.SPECIES_512, w, wo, ORDER);
                ByteVector l1 = ByteVector.fromMemorySegment(ByteVector.SPECIES_512, w, wo + 8, ORDER);
                IntVector h = (IntVector) ((ShortVector) l0.reinterpretShape(S512, 0)).rearrange(WEIGHT_SCALES).reinterpretShape(I512, 0);
                special = special.max(h.and(EXPONENTS));
                FloatVector d = h.lanewise(ASHR, 3).and(0x8FFFE000).reinterpretAsFloats()
                        .mul(FloatVector.fromMemorySegment(F512, a, ao + Q8_0NibbleOps.SCALES, ORDER));
                IntVector y0 = (IntVector) QS0.selectFrom(l0, ONE).reinterpretShape(I512, 0), y1 = (IntVector) QS1.selectFrom(l0, ONE).reinterpretShape(I512, 0);
                IntVector y2 = (IntVector) QS2.selectFrom(l0, ONE).reinterpretShape(I512, 0), y3 = (IntVector) QS3.selectFrom(l1, ONE).reinterpretShape(I512, 0);
                FloatVector s0 = y0.and(0xFFFFF000).reinterpretAsFloats().fma(FloatVector.fromMemorySegment(F512, a, ao + 64, ORDER),
                        y0.reinterpretAsFloats().fma(FloatVector.fromMemorySegment(F512, a, ao, ORDER), FloatVector.fromMemorySegment(F512, a, ao + 128, ORDER)));
                FloatVector s1 = y1.and(0xFFFFF000).reinterpretAsFloats().fma(FloatVector.fromMemorySegment(F512, a, ao + 320, ORDER),
                        y1.reinterpretAsFloats().fma(FloatVector.fromMemorySegment(F512, a, ao + 256, ORDER), FloatVector.fromMemorySegment(F512, a, ao + 384, ORDER)));
                FloatVector s2 = y2.and(0xFFFFF000).reinterpretAsFloats().fma(FloatVector.fromMemorySegment(F512, a, ao + 576, ORDER),
                        y2.reinterpretAsFloats().fma(FloatVector.fromMemorySegment(F512, a, ao + 512, ORDER), FloatVector.fromMemorySegment(F512, a, ao + 640, ORDER)));
                FloatVector s3 = y3.and(0xFFFFF000).reinterpretAsFloats().fma(FloatVector.fromMemorySegment(F512, a, ao + 832, ORDER),
                        y3.reinterpretAsFloats().fma(FloatVector.fromMemorySegment(F512, a, ao + 768, ORDER), FloatVector.fromMemorySegment(F512, a, ao + 896, ORDER)));
                acc = s0.fma(d.rearrange(LANE0), acc);
                acc = s1.fma(d.rearrange(LANE1), acc);
                acc = s2.fma(d.rearrange(LANE2), acc);
                acc = s3.fma(d.rearrange(LANE3), acc);
            }
            if (special.compare(EQ, 0x7C000000).anyTrue()) return exact(w, wOffset, a, aOffset, nb);
            // LaneSum.of's tree spelled out (a call that is not inlined would box the vector)
            acc = acc.add(acc.rearrange(LaneSum.HALF8));
            acc = acc.add(acc.rearrange(LaneSum.HALF4));
            acc = acc.add(acc.rearrange(LaneSum.HALF2));
            return acc.lane(0) + acc.lane(1);
        }

        /**
         * Two rows at once, rows r and r + nRows/2, each row's operations those of {@link #dot} in its
         * order, so the results are {@link #dot}'s to the bit: see {@link #twoRowSpan}. Measured, one
         * thread, weights in cache: 17-19 GB/s against {@link #dot}'s 15; three and four rows at once were
         * slower (13, 15), and two adjacent rows read together were slower from memory than two rows far
         * apart. End to end (1B Q4_0, two threads, tg) two rows gave 16.5 t/s against 12.5 for dot per row
         * on a loaded machine.
         */
        @Override
        public void dotRows(MemorySegment w, long wOffset, long rowStride, int nRows, MemorySegment a, long aOffset, int n, float[] out, int outOffset) {
            checkLength(GgmlType.Q4_0, n);
            int nb = n / QK, half = nRows / 2;
            if ((nb & 3) != 0) {
                for (int r = 0; r < nRows; r++) out[outOffset + r] = dot(w, wOffset + r * rowStride, a, aOffset, n);
                return;
            }
            float[] s = SCRATCH.get(), ds = SCALES.get();
            for (int r = 0; r < half; r++) {
                long w0 = wOffset + r * rowStride, w1 = w0 + half * rowStride;
                if (!twoRows(w, w0, w1, a, aOffset, nb, out, outOffset + r, outOffset + r + half, s, ds)) {
                    out[outOffset + r] = dot(w, w0, a, aOffset, n);
                    out[outOffset + r + half] = dot(w, w1, a, aOffset, n);
                }
            }
            if ((nRows & 1) != 0) {
                // the odd last row as a pair with itself: dot alone is called so rarely (a thread's share of rows
                // is odd only when the thread count does not divide the rows) that it stays C1-compiled, where its
                // vectors are objects: two orders of magnitude slower, one row per matrix per thread
                int r = nRows - 1;
                long wr = wOffset + r * rowStride;
                if (!twoRows(w, wr, wr, a, aOffset, nb, out, outOffset + r, outOffset + r, s, ds)) out[outOffset + r] = dot(w, wr, a, aOffset, n);
            }
        }

        /** Several tokens (speculative decoding's verification): {@link Q4_0Tokens}, each weight block widened once for nine tokens. */
        @Override
        public void dotRowsTokens(MemorySegment w, long wOffset, long rowStride, int nRows, MemorySegment a, long aOffset, long aStride,
                                  int tokens, int n, float[] out, int outOffset, int outStride) {
            checkLength(GgmlType.Q4_0, n);
            Q4_0Tokens.KERNEL.dotRowsTokens(this, false, w, wOffset, rowStride, nRows, a, aOffset, aStride, tokens, n, out, outOffset, outStride);
        }

        /** {@link #dot} of rows at w0 and w1 (nb a multiple of 4) into out[i0], out[i1]; false, writing nothing, on an inf/NaN scale. */
        private static boolean twoRows(MemorySegment w, long w0, long w1, MemorySegment a, long aOffset, int nb, float[] out, int i0, int i1, float[] s, float[] ds) {
            java.util.Arrays.fill(s, 0, 32, 0f);
            if (!twoRowSpan(w, w0, w1, a, aOffset, nb, s, 0, ds)) return false;
            out[i0] = LaneSum.of(s, 0);
            out[i1] = LaneSum.of(s, 16);
            return true;
        }

        /** Per thread: two rows' accumulators, for {@link #dot} and the span kernels' callers. */
        static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[32]);
        /** Per thread: {@link #twoRowSpan}'s scales of a group of four blocks, for two rows. */
        static final ThreadLocal<float[]> SCALES = ThreadLocal.withInitial(() -> new float[8]);

        /**
         * {@link #dot}'s loop (the same operations, kept in step with it) over blocks [0, nb) (nb a multiple
         * of 4) of the row at w0, added into the 16 lanes at acc[ai]. A row taken in several spans, the
         * accumulator carried from one to the next, gives the bits of one span over the whole row, which are
         * {@link #dot}'s: that is how {@link Q4_0R16Ops} reads rows stored in pieces. False on an inf/NaN
         * weight scale (acc is then garbage).
         */
        static boolean oneRowSpan(MemorySegment w, long w0, MemorySegment a, long aOffset, int nb, float[] acc, int ai) {
            FloatVector sum = FloatVector.fromArray(F512, acc, ai);
            IntVector special = IntVector.zero(I512);
            for (int b = 0; b < nb; b += 4) {
                long wo = w0 + 18L * b, ao = aOffset + 256L * b;
                ByteVector l0 = ByteVector.fromMemorySegment(ByteVector.SPECIES_512, w, wo, ORDER);
                ByteVector l1 = ByteVector.fromMemorySegment(ByteVector.SPECIES_512, w, wo + 8, ORDER);
                IntVector h = (IntVector) ((ShortVector) l0.reinterpretShape(S512, 0)).rearrange(WEIGHT_SCALES).reinterpretShape(I512, 0);
                special = special.max(h.and(EXPONENTS));
                FloatVector d = h.lanewise(ASHR, 3).and(0x8FFFE000).reinterpretAsFloats()
                        .mul(FloatVector.fromMemorySegment(F512, a, ao + Q8_0NibbleOps.SCALES, ORDER));
                IntVector y0 = (IntVector) QS0.selectFrom(l0, ONE).reinterpretShape(I512, 0), y1 = (IntVector) QS1.selectFrom(l0, ONE).reinterpretShape(I512, 0);
                IntVector y2 = (IntVector) QS2.selectFrom(l0, ONE).reinterpretShape(I512, 0), y3 = (IntVector) QS3.selectFrom(l1, ONE).reinterpretShape(I512, 0);
                FloatVector s0 = y0.and(0xFFFFF000).reinterpretAsFloats().fma(FloatVector.fromMemorySegment(F512, a, ao + 64, ORDER),
                        y0.reinterpretAsFloats().fma(FloatVector.fromMemorySegment(F512, a, ao, ORDER), FloatVector.fromMemorySegment(F512, a, ao + 128, ORDER)));
                FloatVector s1 = y1.and(0xFFFFF000).reinterpretAsFloats().fma(FloatVector.fromMemorySegment(F512, a, ao + 320, ORDER),
                        y1.reinterpretAsFloats().fma(FloatVector.fromMemorySegment(F512, a, ao + 256, ORDER), FloatVector.fromMemorySegment(F512, a, ao + 384, ORDER)));
                FloatVector s2 = y2.and(0xFFFFF000).reinterpretAsFloats().fma(FloatVector.fromMemorySegment(F512, a, ao + 576, ORDER),
                        y2.reinterpretAsFloats().fma(FloatVector.fromMemorySegment(F512, a, ao + 512, ORDER), FloatVector.fromMemorySegment(F512, a, ao + 640, ORDER)));
                FloatVector s3 = y3.and(0xFFFFF000).reinterpretAsFloats().fma(FloatVector.fromMemorySegment(F512, a, ao + 832, ORDER),
                        y3.reinterpretAsFloats().fma(FloatVector.fromMemorySegment(F512, a, ao + 768, ORDER), FloatVector.fromMemorySegment(F512, a, ao + 896, ORDER)));
                sum = s0.fma(d.rearrange(LANE0), sum);
                sum = s1.fma(d.rearrange(LANE1), sum);
                sum = s2.fma(d.rearrange(LANE2), sum);
                sum = s3.fma(d.rearrange(LANE3), sum);
            }
            sum.intoArray(acc, ai);
            return !special.compare(EQ, 0x7C000000).anyTrue();
        }

        /**
         * {@link #oneRowSpan} for the rows at w0 and w1 at once (accumulators at acc[ai] and acc[ai + 16]),
         * each row's operations in {@link #dot}'s order: two independent FMA chains, the group's activations
         * loaded once for both, and each group's scales {@code d_w·d_a} handed to the FMAs through ds[0 .. 8)
         * (broadcast loads: lane permutes instead ran the 1B Q4_0 at 29 t/s against 45, the shuffle unit being
         * busy with the nibbles). The scales go there as 128-bit stores of the four lanes that count. With
         * 512-bit stores, forwarding to the broadcasts that follow at once failed or not depending on where
         * the heap array lay: one process in three or four ran at 35 t/s instead of 45, stalled on the first
         * broadcast after the store (4 runs of 14 with 512-bit stores, none of 8 with 128-bit ones). Working the
         * scales out for the whole span before the loop avoided that too but ran at 36 t/s: the loop then no
         * longer overlapped those first reads of each weight line with arithmetic. False on an inf/NaN weight
         * scale in either row.
         */
        static boolean twoRowSpan(MemorySegment w, long w0, long w1, MemorySegment a, long aOffset, int nb, float[] acc, int ai, float[] ds) {
            IntVector special = IntVector.zero(I512);
            FloatVector acc0 = FloatVector.fromArray(F512, acc, ai), acc1 = FloatVector.fromArray(F512, acc, ai + 16);
            for (int b = 0; b < nb; b += 4) {
                long wo = w0 + 18L * b, wp = w1 + 18L * b, ao = aOffset + 256L * b;
                // the group's activations, loaded once for both rows
                FloatVector a0 = FloatVector.fromMemorySegment(F512, a, ao, ORDER), b0 = FloatVector.fromMemorySegment(F512, a, ao + 64, ORDER), c0 = FloatVector.fromMemorySegment(F512, a, ao + 128, ORDER);
                FloatVector a1 = FloatVector.fromMemorySegment(F512, a, ao + 256, ORDER), b1 = FloatVector.fromMemorySegment(F512, a, ao + 320, ORDER), c1 = FloatVector.fromMemorySegment(F512, a, ao + 384, ORDER);
                FloatVector a2 = FloatVector.fromMemorySegment(F512, a, ao + 512, ORDER), b2 = FloatVector.fromMemorySegment(F512, a, ao + 576, ORDER), c2 = FloatVector.fromMemorySegment(F512, a, ao + 640, ORDER);
                FloatVector a3 = FloatVector.fromMemorySegment(F512, a, ao + 768, ORDER), b3 = FloatVector.fromMemorySegment(F512, a, ao + 832, ORDER), c3 = FloatVector.fromMemorySegment(F512, a, ao + 896, ORDER);
                ByteVector l0 = ByteVector.fromMemorySegment(ByteVector.SPECIES_512, w, wo, ORDER);
                ByteVector l1 = ByteVector.fromMemorySegment(ByteVector.SPECIES_512, w, wo + 8, ORDER);
                ByteVector m0 = ByteVector.fromMemorySegment(ByteVector.SPECIES_512, w, wp, ORDER);
                ByteVector m1 = ByteVector.fromMemorySegment(ByteVector.SPECIES_512, w, wp + 8, ORDER);
                FloatVector da = FloatVector.fromMemorySegment(F512, a, ao + Q8_0NibbleOps.SCALES, ORDER);
                IntVector h = (IntVector) ((ShortVector) l0.reinterpretShape(S512, 0)).rearrange(WEIGHT_SCALES).reinterpretShape(I512, 0);
                IntVector g = (IntVector) ((ShortVector) m0.reinterpretShape(S512, 0)).rearrange(WEIGHT_SCALES).reinterpretShape(I512, 0);
                special = special.max(h.and(EXPONENTS)).max(g.and(EXPONENTS));
                ((FloatVector) h.lanewise(ASHR, 3).and(0x8FFFE000).reinterpretAsFloats().mul(da).castShape(FloatVector.SPECIES_128, 0)).intoArray(ds, 0);
                ((FloatVector) g.lanewise(ASHR, 3).and(0x8FFFE000).reinterpretAsFloats().mul(da).castShape(FloatVector.SPECIES_128, 0)).intoArray(ds, 4);
                IntVector y = (IntVector) QS0.selectFrom(l0, ONE).reinterpretShape(I512, 0);
                acc0 = y.and(0xFFFFF000).reinterpretAsFloats().fma(b0, y.reinterpretAsFloats().fma(a0, c0)).fma(FloatVector.broadcast(F512, ds[0]), acc0);
                y = (IntVector) QS0.selectFrom(m0, ONE).reinterpretShape(I512, 0);
                acc1 = y.and(0xFFFFF000).reinterpretAsFloats().fma(b0, y.reinterpretAsFloats().fma(a0, c0)).fma(FloatVector.broadcast(F512, ds[4]), acc1);
                y = (IntVector) QS1.selectFrom(l0, ONE).reinterpretShape(I512, 0);
                acc0 = y.and(0xFFFFF000).reinterpretAsFloats().fma(b1, y.reinterpretAsFloats().fma(a1, c1)).fma(FloatVector.broadcast(F512, ds[1]), acc0);
                y = (IntVector) QS1.selectFrom(m0, ONE).reinterpretShape(I512, 0);
                acc1 = y.and(0xFFFFF000).reinterpretAsFloats().fma(b1, y.reinterpretAsFloats().fma(a1, c1)).fma(FloatVector.broadcast(F512, ds[5]), acc1);
                y = (IntVector) QS2.selectFrom(l0, ONE).reinterpretShape(I512, 0);
                acc0 = y.and(0xFFFFF000).reinterpretAsFloats().fma(b2, y.reinterpretAsFloats().fma(a2, c2)).fma(FloatVector.broadcast(F512, ds[2]), acc0);
                y = (IntVector) QS2.selectFrom(m0, ONE).reinterpretShape(I512, 0);
                acc1 = y.and(0xFFFFF000).reinterpretAsFloats().fma(b2, y.reinterpretAsFloats().fma(a2, c2)).fma(FloatVector.broadcast(F512, ds[6]), acc1);
                y = (IntVector) QS3.selectFrom(l1, ONE).reinterpretShape(I512, 0);
                acc0 = y.and(0xFFFFF000).reinterpretAsFloats().fma(b3, y.reinterpretAsFloats().fma(a3, c3)).fma(FloatVector.broadcast(F512, ds[3]), acc0);
                y = (IntVector) QS3.selectFrom(m1, ONE).reinterpretShape(I512, 0);
                acc1 = y.and(0xFFFFF000).reinterpretAsFloats().fma(b3, y.reinterpretAsFloats().fma(a3, c3)).fma(FloatVector.broadcast(F512, ds[7]), acc1);
            }
            acc0.intoArray(acc, ai);
            acc1.intoArray(acc, ai + 16);
            return !special.compare(EQ, 0x7C000000).anyTrue();
        }

        /**
         * {@link #dot}'s numbers the slow way, for rows whose block count is not a multiple of 4 and rows
         * with an inf/NaN scale: per block the same 16 integer lanes (summed as ints), the scales
         * widened exactly ({@code d_w·2^-112} is exact, then one rounding of the product), the same FMA
         * into one accumulator and the same tree.
         */
        private static float exact(MemorySegment w, long wOffset, MemorySegment a, long aOffset, int nb) {
            float[] s = new float[16];
            FloatVector acc = FloatVector.zero(F512);
            for (int b = 0; b < nb; b++) {
                long wo = wOffset + 18L * b, ao = aOffset + 256L * b;
                for (int i = 0; i < 16; i++) {
                    int q = u8(w, wo + 2 + i);
                    int lo = (int) (f32(a, ao + 4 * i) / 32768), hi = (int) (f32(a, ao + 64 + 4 * i) / 2048) + 16 * lo;
                    s[i] = ((q & 0xF) - 8) * lo + ((q >> 4) - 8) * hi;
                }
                float d = half(w, wo) * 0x1p-112f * f32(a, ao + Q8_0NibbleOps.SCALES);
                acc = FloatVector.fromArray(F512, s, 0).fma(FloatVector.broadcast(F512, d), acc);
            }
            acc = acc.add(acc.rearrange(LaneSum.HALF8));
            acc = acc.add(acc.rearrange(LaneSum.HALF4));
            acc = acc.add(acc.rearrange(LaneSum.HALF2));
            return acc.lane(0) + acc.lane(1);
        }
    }
}

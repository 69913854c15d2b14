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

    Q4KOps(GgmlType dotType) {
        super(GgmlType.Q4_K, dotType);
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
     * Vector dot against {@link GgmlType#Q8_K_WIDE} activations (same integers as Q8_K, 16-bit and
     * reordered; see {@link Q8KWideOps}). Per super-block: bytes {@code qs[0..31] | qs[64..95]} as 32
     * short lanes (one permute of two loads) hold in their four nibbles the weights of activation sets
     * 0 (low nibbles) and 1 (high nibbles); {@code qs[32..63] | qs[96..127]} those of sets 2 and 3. An
     * even and an odd product of one lane are summed in 16 bits (|15·127·2| fits), adjacent lanes are
     * summed into 32-bit lanes (exact integers, as ggml's), and each lane meets its sub-block's scale
     * (lanes 0-7: sub-block g, 8-15: sub-block g+4) in float: one FMA per set with {@code sc·d}, the
     * scales converted to float once per super-block. ggml multiplies the integers by the scales and
     * sums them exactly before d; the float products differ from that by a rounding or two per set,
     * ~10^-7 relative, against the 8-bit activations' ~10^-2. Done in integers, the scale products took
     * four 32-bit multiplies and two shifts a set, the busiest port's work on Intel cores (512-bit
     * multiplies and shifts issue on one port only); in float, one convert. One thread, 2048-wide
     * rows in cache: 7.6-8.1 GB/s in integers, 8.5 in float (Q6_K likewise: 10.3 -> 11.0).
     * The lanes are summed once per row.
     *
     * <p>Integers become floats with {@code convertShape(I2F, F512, 0)}, not {@code convert(I2F, 0)}: convert finds the
     * float species through a lookup (AbstractSpecies.computeSpecies) that C2 does not inline, and in about one process
     * in five its compile of {@link #twoRows} gave up on the intrinsics of the kernel's last operations (the lookup not
     * yet folded when the late intrinsic was tried: -XX:CompileCommand=PrintInlining), which then ran the Vector API's
     * Java fallback and allocated for the rest of the process: 1B Q4_K_M tg128 10.9-11.9 t/s with ~2,700 young GCs
     * against 13-17 with ~170. With the species a constant: 0 such processes of 8, against 4 of 21 before.
     * Not a rule for every kernel: convertShape is a virtual call that C2 binds only through its call site's own type
     * profile (an early compile without one left it a call: PrintInlining "no static binding"), and the same spelling
     * in every other kernel made 1B Q8_0 generation ~10% slower (11 of 11 alternating processes), so they keep convert.
     *
     * <p>The nibbles are shifted down as 32-bit lanes and masked to 4 bits per short, which drops what
     * crosses over from the neighbouring short: C2 has no immediate form for 16-bit vector shifts, and a
     * short shift by a constant became a count moved into a register (vmovd) and a two-uop vpsrlw, three
     * uops on the two ports that take 512-bit work, against one (vpsrld) and the mask. 1B Q4_K_M tg32,
     * 2 threads, with the same change in Q6_K: +6-18%.
     *
     * <p>One method, no calls that take or return vectors: C2 must inline everything here (see
     * {@link Simd}). ~12 vector operations per 64 weights, against ~25 with byte widening per row.
     */
    static final class Vectorized extends Q4KOps {
        /** Shorts 0..15 of the first vector then 0..15 of the second; and 16..31 of each. */
        private static final ShortVector FIRST_HALVES = halves(0), SECOND_HALVES = halves(16);
        /** Scale lanes for activation set g: sub-block g in lanes 0..7, g+4 in lanes 8..15. */
        private static final VectorShuffle<Float> SET0 = setScaleLanes(0), SET1 = setScaleLanes(1), SET2 = setScaleLanes(2), SET3 = setScaleLanes(3);

        Vectorized() {
            super(GgmlType.Q8_K_WIDE);
        }

        static ShortVector halves(int from) {
            short[] idx = new short[32];
            for (int k = 0; k < 16; k++) {
                idx[k] = (short) (from + k);
                idx[16 + k] = (short) (32 + from + k);
            }
            return ShortVector.fromArray(S512, idx, 0);
        }

        static VectorShuffle<Float> setScaleLanes(int g) {
            return VectorShuffle.fromOp(F512, i -> i < 8 ? g : g + 4);
        }

        @Override
        public void dequantize(MemorySegment src, long srcOffset, float[] dst, int dstOffset, int n) {
            Blocks.checkLength(type(), n);
            FastDecode.q4_k(src, srcOffset, dst, dstOffset, n);
        }

        @Override
        public float dot(MemorySegment w, long wOffset, MemorySegment a, long aOffset, int n) {
            checkLength(GgmlType.Q4_K, n);
            FloatVector acc = FloatVector.zero(F512);
            long wo = wOffset, ao = aOffset;
            for (int b = 0; b < n / QK; b++, wo += 144, ao += 704) {
                float da = f32(a, ao + Q8KWideOps.D);
                // the 16-byte head {d, dmin, scales[12]}: d and dmin from one int read, the scales below from one vector load
                int head = w.get(INT_LE, wo);
                FloatVector d = FloatVector.broadcast(F512, Float.float16ToFloat((short) head) * (da * 0x1p-16f));
                FloatVector negDmin = FloatVector.broadcast(F512, -(Float.float16ToFloat((short) (head >>> 16)) * da));
                // the 8 scales in lanes 0..7, the 8 mins in lanes 8..15 (KScales.K4_PICK_X), as floats
                IntVector h = IntVector.fromMemorySegment(KScales.I128, w, wo, ORDER);
                FloatVector sc = ((IntVector) h.rearrange(KScales.K4_PICK_X).lanewise(LSHR, KScales.K4_SHIFT_X).and(KScales.K4_MASK_X)
                        .or(h.rearrange(KScales.K4_PICK_Y).lanewise(LSHR, 2).and(KScales.K4_MASK_Y)).reinterpretAsBytes().convertShape(B2I, I512, 0))
                        .convertShape(I2F, F512, 0).reinterpretAsFloats();
                // Σ_j min_j·(Σ activations of sub-block j), exact: lanes 0..7 of sums32 are zero
                acc = sc.mul(IntVector.fromMemorySegment(I512, a, ao + Q8KWideOps.SUMS32, ORDER).convertShape(I2F, F512, 0).reinterpretAsFloats()).fma(negDmin, acc);
                FloatVector scales = sc.mul(d);
                ShortVector x0 = ShortVector.fromMemorySegment(S512, w, wo + QS, ORDER);
                ShortVector x1 = ShortVector.fromMemorySegment(S512, w, wo + QS + 64, ORDER);
                ShortVector v = FIRST_HALVES.selectFrom(x0, x1);
                IntVector t0 = (IntVector) v.and((short) 0xF).mul(ShortVector.fromMemorySegment(S512, a, ao, ORDER))
                        .add(((ShortVector) ((IntVector) v.reinterpretShape(I512, 0)).lanewise(LSHR, 8).and(0x000F000F).reinterpretShape(S512, 0)).mul(ShortVector.fromMemorySegment(S512, a, ao + 64, ORDER))).reinterpretShape(I512, 0);
                IntVector t1 = (IntVector) ((ShortVector) ((IntVector) v.reinterpretShape(I512, 0)).lanewise(LSHR, 4).and(0x000F000F).reinterpretShape(S512, 0)).mul(ShortVector.fromMemorySegment(S512, a, ao + 128, ORDER))
                        .add(((ShortVector) ((IntVector) v.reinterpretShape(I512, 0)).lanewise(LSHR, 12).and(0x000F000F).reinterpretShape(S512, 0)).mul(ShortVector.fromMemorySegment(S512, a, ao + 192, ORDER))).reinterpretShape(I512, 0);
                // (t + (t << 16)) & 0xFFFF0000 is 2^16 times the sum of a 32-bit lane's two 16-bit halves (it fits in 16 bits)
                acc = t0.add(t0.lanewise(LSHL, 16)).and(0xFFFF0000).convertShape(I2F, F512, 0).reinterpretAsFloats().fma(scales.rearrange(SET0), acc);
                acc = t1.add(t1.lanewise(LSHL, 16)).and(0xFFFF0000).convertShape(I2F, F512, 0).reinterpretAsFloats().fma(scales.rearrange(SET1), acc);
                v = SECOND_HALVES.selectFrom(x0, x1);
                t0 = (IntVector) v.and((short) 0xF).mul(ShortVector.fromMemorySegment(S512, a, ao + 256, ORDER))
                        .add(((ShortVector) ((IntVector) v.reinterpretShape(I512, 0)).lanewise(LSHR, 8).and(0x000F000F).reinterpretShape(S512, 0)).mul(ShortVector.fromMemorySegment(S512, a, ao + 320, ORDER))).reinterpretShape(I512, 0);
                t1 = (IntVector) ((ShortVector) ((IntVector) v.reinterpretShape(I512, 0)).lanewise(LSHR, 4).and(0x000F000F).reinterpretShape(S512, 0)).mul(ShortVector.fromMemorySegment(S512, a, ao + 384, ORDER))
                        .add(((ShortVector) ((IntVector) v.reinterpretShape(I512, 0)).lanewise(LSHR, 12).and(0x000F000F).reinterpretShape(S512, 0)).mul(ShortVector.fromMemorySegment(S512, a, ao + 448, ORDER))).reinterpretShape(I512, 0);
                acc = t0.add(t0.lanewise(LSHL, 16)).and(0xFFFF0000).convertShape(I2F, F512, 0).reinterpretAsFloats().fma(scales.rearrange(SET2), acc);
                acc = t1.add(t1.lanewise(LSHL, 16)).and(0xFFFF0000).convertShape(I2F, F512, 0).reinterpretAsFloats().fma(scales.rearrange(SET3), acc);
            }
            // LaneSum.of's tree spelled out: C2 stops inlining into a kernel this large (-XX:+PrintInlining:
            // NodeCountInliningCutoff), and a call that is not inlined boxes its vector argument
            acc = acc.add(acc.rearrange(LaneSum.HALF8));
            acc = acc.add(acc.rearrange(LaneSum.HALF4));
            acc = acc.add(acc.rearrange(LaneSum.HALF2));
            return acc.lane(0) + acc.lane(1);
        }

        /**
         * Rows of more than 2·{@link #CHUNK} super-blocks (ffn_down of 7-8B models: 14336 values) in blocks of
         * {@link #ROWS} rows, a chunk of each row at a time, each row's accumulator carried from chunk to chunk
         * ({@link #span}), so the results are {@link #dot}'s to the bit. A whole row's activations (2.75 bytes a
         * value: 39 KB for 14336) next to the weight stream overflow the 48 KB L1, and every row read them again
         * from L2; a chunk's (11 KB) stays in L1 over the block. One thread, 14336-wide rows from memory
         * (KernelBench): 7.5-7.7 GB/s row by row, 9.6-10.1 this way (22 for 4096-wide rows). An 8-layer model of
         * Llama-3-8B's widths, Q4_K_M, 2 threads, tg64: 21.1/21.3 -> 23.8/23.0 t/s, alternating. Rows of 8192
         * (22.5 KB of activations, which L1 holds) and shorter are not chunked (chunked, 1B Q4_K_M tg128 fell from 45-47
         * to 42-44); they go two at a time ({@link #twoRows}).
         */
        @Override
        public void dotRows(MemorySegment w, long wOffset, long rowStride, int nRows, MemorySegment a, long aOffset, int n, float[] out, int outOffset) {
            checkLength(GgmlType.Q4_K, n);
            int nb = n / QK;
            if (nb <= 2 * CHUNK) {
                int half = nRows / 2;
                for (int r = 0; r < half; r++) {
                    long w0 = wOffset + r * rowStride;
                    twoRows(w, w0, w0 + half * rowStride, a, aOffset, nb, out, outOffset + r, outOffset + r + half);
                }
                if ((nRows & 1) != 0) {
                    // the odd last row as a pair with itself: see Q4_0Ops.Vectorized.dotRows on why not dot
                    long wr = wOffset + (nRows - 1) * rowStride;
                    twoRows(w, wr, wr, a, aOffset, nb, out, outOffset + nRows - 1, outOffset + nRows - 1);
                }
                return;
            }
            float[] s = ROW_ACCUMULATORS.get();
            for (int r0 = 0; r0 < nRows; r0 += ROWS) {
                int rows = Math.min(ROWS, nRows - r0);
                java.util.Arrays.fill(s, 0, 16 * rows, 0f);
                for (int c = 0; c < nb; c += CHUNK) {
                    int len = Math.min(CHUNK, nb - c);
                    for (int i = 0; i < rows; i++) span(w, wOffset + (r0 + i) * rowStride + 144L * c, a, aOffset + 704L * c, len, s, 16 * i);
                }
                for (int i = 0; i < rows; i++) out[outOffset + r0 + i] = LaneSum.of(s, 16 * i);
            }
        }

        /**
         * {@link #dot} of the rows at w0 and w1 (each in dot's order, so its bits), each super-block's activations loaded
         * once for both, and two weight streams in flight. A third copy of the super-block's operations (with {@link #dot}
         * and {@link #span}), kept in step with them (VectorMatchesScalarTest). Measured on an Intel Xeon VM (Sapphire
         * Rapids class, 2.1 GHz), two threads, 2048-wide rows from memory: 7.3-9.8 GB/s against 6.0-7.0 row by row; 1B
         * Q4_K_M tg32 10.98 / 11.26 / 11.91 t/s against 10.17 / 10.50 / 10.79, alternating. Not measured on the Zen 5 VM.
         */
        private static void twoRows(MemorySegment w, long w0, long w1, MemorySegment a, long aOffset, int nb, float[] out, int i0, int i1) {
            FloatVector acc = FloatVector.zero(F512), acd = FloatVector.zero(F512);
            long wo = w0, wp = w1, ao = aOffset;
            for (int b = 0; b < nb; b++, wo += 144, wp += 144, ao += 704) {
                float da = f32(a, ao + Q8KWideOps.D), da16 = da * 0x1p-16f; // dot's da * 0x1p-16f
                FloatVector sums = IntVector.fromMemorySegment(I512, a, ao + Q8KWideOps.SUMS32, ORDER).convertShape(I2F, F512, 0).reinterpretAsFloats();
                ShortVector a0 = ShortVector.fromMemorySegment(S512, a, ao, ORDER), a1 = ShortVector.fromMemorySegment(S512, a, ao + 64, ORDER);
                ShortVector a2 = ShortVector.fromMemorySegment(S512, a, ao + 128, ORDER), a3 = ShortVector.fromMemorySegment(S512, a, ao + 192, ORDER);
                ShortVector a4 = ShortVector.fromMemorySegment(S512, a, ao + 256, ORDER), a5 = ShortVector.fromMemorySegment(S512, a, ao + 320, ORDER);
                ShortVector a6 = ShortVector.fromMemorySegment(S512, a, ao + 384, ORDER), a7 = ShortVector.fromMemorySegment(S512, a, ao + 448, ORDER);
                for (int k = 0; k < 2; k++) {
                    long o = k == 0 ? wo : wp;
                    FloatVector c = k == 0 ? acc : acd;
                    int head = w.get(INT_LE, o);
                    FloatVector d = FloatVector.broadcast(F512, Float.float16ToFloat((short) head) * da16);
                    FloatVector negDmin = FloatVector.broadcast(F512, -(Float.float16ToFloat((short) (head >>> 16)) * da));
                    IntVector h = IntVector.fromMemorySegment(KScales.I128, w, o, ORDER);
                    IntVector sc = (IntVector) h.rearrange(KScales.K4_PICK_X).lanewise(LSHR, KScales.K4_SHIFT_X).and(KScales.K4_MASK_X)
                            .or(h.rearrange(KScales.K4_PICK_Y).lanewise(LSHR, 2).and(KScales.K4_MASK_Y)).reinterpretAsBytes().convertShape(B2I, I512, 0);
                    FloatVector scf = sc.convertShape(I2F, F512, 0).reinterpretAsFloats();
                    c = scf.mul(sums).fma(negDmin, c);
                    FloatVector scales = scf.mul(d);
                    ShortVector x0 = ShortVector.fromMemorySegment(S512, w, o + QS, ORDER);
                    ShortVector x1 = ShortVector.fromMemorySegment(S512, w, o + QS + 64, ORDER);
                    ShortVector v = FIRST_HALVES.selectFrom(x0, x1);
                    // reinterpretShape, not reinterpretAsInts/AsShorts (AbstractVector's, one type profile for the whole process):
                    // see Q4_0Ops.Vectorized; with them, C2 left a shift of this loop to its Java fallback after some prompts (-fa 1)
                    IntVector vi = (IntVector) v.reinterpretShape(I512, 0);
                    IntVector t0 = (IntVector) v.and((short) 0xF).mul(a0).add(((ShortVector) vi.lanewise(LSHR, 8).and(0x000F000F).reinterpretShape(S512, 0)).mul(a1)).reinterpretShape(I512, 0);
                    IntVector t1 = (IntVector) ((ShortVector) vi.lanewise(LSHR, 4).and(0x000F000F).reinterpretShape(S512, 0)).mul(a2)
                            .add(((ShortVector) vi.lanewise(LSHR, 12).and(0x000F000F).reinterpretShape(S512, 0)).mul(a3)).reinterpretShape(I512, 0);
                    c = t0.add(t0.lanewise(LSHL, 16)).and(0xFFFF0000).convertShape(I2F, F512, 0).reinterpretAsFloats().fma(scales.rearrange(SET0), c);
                    c = t1.add(t1.lanewise(LSHL, 16)).and(0xFFFF0000).convertShape(I2F, F512, 0).reinterpretAsFloats().fma(scales.rearrange(SET1), c);
                    v = SECOND_HALVES.selectFrom(x0, x1);
                    vi = (IntVector) v.reinterpretShape(I512, 0);
                    t0 = (IntVector) v.and((short) 0xF).mul(a4).add(((ShortVector) vi.lanewise(LSHR, 8).and(0x000F000F).reinterpretShape(S512, 0)).mul(a5)).reinterpretShape(I512, 0);
                    t1 = (IntVector) ((ShortVector) vi.lanewise(LSHR, 4).and(0x000F000F).reinterpretShape(S512, 0)).mul(a6)
                            .add(((ShortVector) vi.lanewise(LSHR, 12).and(0x000F000F).reinterpretShape(S512, 0)).mul(a7)).reinterpretShape(I512, 0);
                    c = t0.add(t0.lanewise(LSHL, 16)).and(0xFFFF0000).convertShape(I2F, F512, 0).reinterpretAsFloats().fma(scales.rearrange(SET2), c);
                    c = t1.add(t1.lanewise(LSHL, 16)).and(0xFFFF0000).convertShape(I2F, F512, 0).reinterpretAsFloats().fma(scales.rearrange(SET3), c);
                    if (k == 0) acc = c;
                    else acd = c;
                }
            }
            // LaneSum.of's tree spelled out, as in dot (through an array it took a store, a reload and a ThreadLocal lookup per pair)
            acc = acc.add(acc.rearrange(LaneSum.HALF8));
            acc = acc.add(acc.rearrange(LaneSum.HALF4));
            acc = acc.add(acc.rearrange(LaneSum.HALF2));
            acd = acd.add(acd.rearrange(LaneSum.HALF8));
            acd = acd.add(acd.rearrange(LaneSum.HALF4));
            acd = acd.add(acd.rearrange(LaneSum.HALF2));
            out[i0] = acc.lane(0) + acc.lane(1);
            out[i1] = acd.lane(0) + acd.lane(1);
        }

        /** Super-blocks per chunk of {@link #dotRows} (4096 values), and rows per block. */
        static final int CHUNK = 16, ROWS = 16;
        private static final ThreadLocal<float[]> ROW_ACCUMULATORS = ThreadLocal.withInitial(() -> new float[16 * ROWS]);

        /**
         * {@link #dot}'s loop (the same operations, kept in step with it) over the {@code nb} super-blocks at
         * {@code wOffset}, its 16-lane accumulator taken from and left in {@code accs[ai ..]}: a row taken in
         * several spans gives {@link #dot}'s bits. (dot keeps its own copy: calling this for the whole row, it ran
         * at 8.9 GB/s against 21.7, one thread, 4096-wide rows; VectorMatchesScalarTest fails if they differ by a bit.)
         */
        private static void span(MemorySegment w, long wOffset, MemorySegment a, long aOffset, int nb, float[] accs, int ai) {
            FloatVector acc = FloatVector.fromArray(F512, accs, ai);
            long wo = wOffset, ao = aOffset;
            for (int b = 0; b < nb; b++, wo += 144, ao += 704) {
                float da = f32(a, ao + Q8KWideOps.D);
                int head = w.get(INT_LE, wo);
                FloatVector d = FloatVector.broadcast(F512, Float.float16ToFloat((short) head) * (da * 0x1p-16f));
                FloatVector negDmin = FloatVector.broadcast(F512, -(Float.float16ToFloat((short) (head >>> 16)) * da));
                IntVector h = IntVector.fromMemorySegment(KScales.I128, w, wo, ORDER);
                FloatVector sc = ((IntVector) h.rearrange(KScales.K4_PICK_X).lanewise(LSHR, KScales.K4_SHIFT_X).and(KScales.K4_MASK_X)
                        .or(h.rearrange(KScales.K4_PICK_Y).lanewise(LSHR, 2).and(KScales.K4_MASK_Y)).reinterpretAsBytes().convertShape(B2I, I512, 0))
                        .convertShape(I2F, F512, 0).reinterpretAsFloats();
                acc = sc.mul(IntVector.fromMemorySegment(I512, a, ao + Q8KWideOps.SUMS32, ORDER).convertShape(I2F, F512, 0).reinterpretAsFloats()).fma(negDmin, acc);
                FloatVector scales = sc.mul(d);
                ShortVector x0 = ShortVector.fromMemorySegment(S512, w, wo + QS, ORDER);
                ShortVector x1 = ShortVector.fromMemorySegment(S512, w, wo + QS + 64, ORDER);
                ShortVector v = FIRST_HALVES.selectFrom(x0, x1);
                IntVector t0 = (IntVector) v.and((short) 0xF).mul(ShortVector.fromMemorySegment(S512, a, ao, ORDER))
                        .add(((ShortVector) ((IntVector) v.reinterpretShape(I512, 0)).lanewise(LSHR, 8).and(0x000F000F).reinterpretShape(S512, 0)).mul(ShortVector.fromMemorySegment(S512, a, ao + 64, ORDER))).reinterpretShape(I512, 0);
                IntVector t1 = (IntVector) ((ShortVector) ((IntVector) v.reinterpretShape(I512, 0)).lanewise(LSHR, 4).and(0x000F000F).reinterpretShape(S512, 0)).mul(ShortVector.fromMemorySegment(S512, a, ao + 128, ORDER))
                        .add(((ShortVector) ((IntVector) v.reinterpretShape(I512, 0)).lanewise(LSHR, 12).and(0x000F000F).reinterpretShape(S512, 0)).mul(ShortVector.fromMemorySegment(S512, a, ao + 192, ORDER))).reinterpretShape(I512, 0);
                acc = t0.add(t0.lanewise(LSHL, 16)).and(0xFFFF0000).convertShape(I2F, F512, 0).reinterpretAsFloats().fma(scales.rearrange(SET0), acc);
                acc = t1.add(t1.lanewise(LSHL, 16)).and(0xFFFF0000).convertShape(I2F, F512, 0).reinterpretAsFloats().fma(scales.rearrange(SET1), acc);
                v = SECOND_HALVES.selectFrom(x0, x1);
                t0 = (IntVector) v.and((short) 0xF).mul(ShortVector.fromMemorySegment(S512, a, ao + 256, ORDER))
                        .add(((ShortVector) ((IntVector) v.reinterpretShape(I512, 0)).lanewise(LSHR, 8).and(0x000F000F).reinterpretShape(S512, 0)).mul(ShortVector.fromMemorySegment(S512, a, ao + 320, ORDER))).reinterpretShape(I512, 0);
                t1 = (IntVector) ((ShortVector) ((IntVector) v.reinterpretShape(I512, 0)).lanewise(LSHR, 4).and(0x000F000F).reinterpretShape(S512, 0)).mul(ShortVector.fromMemorySegment(S512, a, ao + 384, ORDER))
                        .add(((ShortVector) ((IntVector) v.reinterpretShape(I512, 0)).lanewise(LSHR, 12).and(0x000F000F).reinterpretShape(S512, 0)).mul(ShortVector.fromMemorySegment(S512, a, ao + 448, ORDER))).reinterpretShape(I512, 0);
                acc = t0.add(t0.lanewise(LSHL, 16)).and(0xFFFF0000).convertShape(I2F, F512, 0).reinterpretAsFloats().fma(scales.rearrange(SET2), acc);
                acc = t1.add(t1.lanewise(LSHL, 16)).and(0xFFFF0000).convertShape(I2F, F512, 0).reinterpretAsFloats().fma(scales.rearrange(SET3), acc);
            }
            acc.intoArray(accs, ai);
        }

        @Override
        public boolean sharesDecodeAcrossTokens() {
            return true;
        }

        /**
         * The K-quants' GEMM threshold (Q6_K's too). 1B Q4_K_M, 2 threads, t/s with the GEMM from 8 tokens / from 17: pp8
         * 18.0 / 27.6, pp9 17.7-22.1 / 22.3-23.3, pp11 24.0 / 32.2, pp12 24.4-26.3 / 27.9-29.9; pp14 and pp16 either way.
         */
        static final int GEMM_MIN_TOKENS = 12;

        @Override
        public int gemmMinTokens() {
            return GEMM_MIN_TOKENS;
        }

        /**
         * Speculative decoding's verification: one weight row against several tokens, each result {@link #dot}'s
         * to the bit. The row is decoded once into the scratch of a {@link TokenPairs} (the nibbles as the short lanes {@link #dot}
         * multiplies, the scales already spread to their lanes), then the tokens go through it two at a time,
         * each decoded vector loaded once for both. The float operations, the only ones whose order matters,
         * are {@link #dot}'s for each token: per block the mins' FMA, then one per set. (Measured when the scale
         * products were integers, before they moved to float; same structure since.) One thread, weights in
         * cache, 9 tokens, ns per block and token against {@link #dot}'s: 5.4-5.95 against 6.8-7.2 for rows of
         * 2048, 6.34 against 6.35 for 4096, 6.3-6.45 against 5.9-6.1 for 8192 and 14336; so rows of 4096 and
         * more take {@link #dot} per token. (One token at a time from the decoded row was no faster than
         * {@link #dot}: each token's own products are most of the work.)
         */
        @Override
        public void dotTokens(MemorySegment w, long wOffset, MemorySegment a, long aOffset, long aStride, int tokens, int n,
                              float[] out, int outOffset, int outStride) {
            checkLength(GgmlType.Q4_K, n);
            if (tokens == 1 || n >= 4096) {
                for (int t = 0; t < tokens; t++) out[outOffset + t * outStride] = dot(w, wOffset, a, aOffset + t * aStride, n);
                return;
            }
            int t = PAIRS.run(w, wOffset, n / QK, a, aOffset, aStride, tokens, out, outOffset, outStride);
            if (t < tokens) out[outOffset + t * outStride] = dot(w, wOffset, a, aOffset + t * aStride, n);
        }

        /**
         * A decoded block: the 8 weight vectors {@link #dot} multiplies the activation vectors 0..7 by (shorts,
         * at 64·i), the float scales spread for SET0..SET3 (at 512), the scales and mins as floats (at 768, the
         * mins in lanes 8..15), d and dmin as floats (at 832, 836).
         */
        private static final int DECODED_BLOCK = TokenPairs.DECODED_BLOCK, SCALES_AT = 512, MINS_AT = 768, D_AT = 832, DMIN_AT = 836;
        /** The chunked two-token driver over this layout. */
        private static final TokenPairs PAIRS = new TokenPairs(144, Vectorized::decode, Vectorized::twoTokens);

        /** Decodes {@code nb} blocks of the row at {@code w + wOffset} into {@code u} (layout: {@link #DECODED_BLOCK}). */
        private static void decode(MemorySegment w, long wOffset, int nb, MemorySegment u) {
            long wo = wOffset, uo = 0;
            for (int b = 0; b < nb; b++, wo += 144, uo += DECODED_BLOCK) {
                int head = w.get(INT_LE, wo);
                u.set(FLOAT_LE, uo + D_AT, Float.float16ToFloat((short) head));
                u.set(FLOAT_LE, uo + DMIN_AT, Float.float16ToFloat((short) (head >>> 16)));
                IntVector h = IntVector.fromMemorySegment(KScales.I128, w, wo, ORDER);
                FloatVector sc = ((IntVector) h.rearrange(KScales.K4_PICK_X).lanewise(LSHR, KScales.K4_SHIFT_X).and(KScales.K4_MASK_X)
                        .or(h.rearrange(KScales.K4_PICK_Y).lanewise(LSHR, 2).and(KScales.K4_MASK_Y)).reinterpretAsBytes().convertShape(B2I, I512, 0))
                        .convertShape(I2F, F512, 0).reinterpretAsFloats();
                sc.intoMemorySegment(u, uo + MINS_AT, ORDER);
                sc.rearrange(SET0).intoMemorySegment(u, uo + SCALES_AT, ORDER);
                sc.rearrange(SET1).intoMemorySegment(u, uo + SCALES_AT + 64, ORDER);
                sc.rearrange(SET2).intoMemorySegment(u, uo + SCALES_AT + 128, ORDER);
                sc.rearrange(SET3).intoMemorySegment(u, uo + SCALES_AT + 192, ORDER);
                ShortVector x0 = ShortVector.fromMemorySegment(S512, w, wo + QS, ORDER);
                ShortVector x1 = ShortVector.fromMemorySegment(S512, w, wo + QS + 64, ORDER);
                ShortVector v = FIRST_HALVES.selectFrom(x0, x1);
                v.and((short) 0xF).intoMemorySegment(u, uo, ORDER);
                ((ShortVector) ((IntVector) v.reinterpretShape(I512, 0)).lanewise(LSHR, 8).and(0x000F000F).reinterpretShape(S512, 0)).intoMemorySegment(u, uo + 64, ORDER);
                ((ShortVector) ((IntVector) v.reinterpretShape(I512, 0)).lanewise(LSHR, 4).and(0x000F000F).reinterpretShape(S512, 0)).intoMemorySegment(u, uo + 128, ORDER);
                ((ShortVector) ((IntVector) v.reinterpretShape(I512, 0)).lanewise(LSHR, 12).and(0x000F000F).reinterpretShape(S512, 0)).intoMemorySegment(u, uo + 192, ORDER);
                v = SECOND_HALVES.selectFrom(x0, x1);
                v.and((short) 0xF).intoMemorySegment(u, uo + 256, ORDER);
                ((ShortVector) ((IntVector) v.reinterpretShape(I512, 0)).lanewise(LSHR, 8).and(0x000F000F).reinterpretShape(S512, 0)).intoMemorySegment(u, uo + 320, ORDER);
                ((ShortVector) ((IntVector) v.reinterpretShape(I512, 0)).lanewise(LSHR, 4).and(0x000F000F).reinterpretShape(S512, 0)).intoMemorySegment(u, uo + 384, ORDER);
                ((ShortVector) ((IntVector) v.reinterpretShape(I512, 0)).lanewise(LSHR, 12).and(0x000F000F).reinterpretShape(S512, 0)).intoMemorySegment(u, uo + 448, ORDER);
            }
        }

        /** {@link #dot} of the decoded row {@code u} with the tokens at {@code a + aoA} and {@code a + aoB}, resuming (unless {@code first}) and saving their accumulators at {@code u + accAt}, {@code u + accAt + 64}. */
        private static void twoTokens(MemorySegment u, int nb, MemorySegment a, long aoA, long aoB, boolean first, long accAt) {
            FloatVector accA = first ? FloatVector.zero(F512) : FloatVector.fromMemorySegment(F512, u, accAt, ORDER);
            FloatVector accB = first ? FloatVector.zero(F512) : FloatVector.fromMemorySegment(F512, u, accAt + 64, ORDER);
            long uo = 0;
            for (int b = 0; b < nb; b++, uo += DECODED_BLOCK, aoA += 704, aoB += 704) {
                float dw = f32(u, uo + D_AT), dminw = f32(u, uo + DMIN_AT);
                float daA = f32(a, aoA + Q8KWideOps.D), daB = f32(a, aoB + Q8KWideOps.D);
                FloatVector dA = FloatVector.broadcast(F512, dw * (daA * 0x1p-16f)), dB = FloatVector.broadcast(F512, dw * (daB * 0x1p-16f));
                FloatVector mins = FloatVector.fromMemorySegment(F512, u, uo + MINS_AT, ORDER);
                accA = mins.mul(IntVector.fromMemorySegment(I512, a, aoA + Q8KWideOps.SUMS32, ORDER).convertShape(I2F, F512, 0).reinterpretAsFloats())
                        .fma(FloatVector.broadcast(F512, -(dminw * daA)), accA);
                accB = mins.mul(IntVector.fromMemorySegment(I512, a, aoB + Q8KWideOps.SUMS32, ORDER).convertShape(I2F, F512, 0).reinterpretAsFloats())
                        .fma(FloatVector.broadcast(F512, -(dminw * daB)), accB);
                // set g: weight vectors 2g, 2g+1 against activation vectors 2g, 2g+1, then its spread scales times d (dot's sc·d, lane by lane)
                for (int g = 0; g < 4; g++) {
                    ShortVector q0 = ShortVector.fromMemorySegment(S512, u, uo + 128 * g, ORDER), q1 = ShortVector.fromMemorySegment(S512, u, uo + 128 * g + 64, ORDER);
                    FloatVector sc = FloatVector.fromMemorySegment(F512, u, uo + SCALES_AT + 64 * g, ORDER);
                    IntVector tA = (IntVector) q0.mul(ShortVector.fromMemorySegment(S512, a, aoA + 128 * g, ORDER)).add(q1.mul(ShortVector.fromMemorySegment(S512, a, aoA + 128 * g + 64, ORDER))).reinterpretShape(I512, 0);
                    IntVector tB = (IntVector) q0.mul(ShortVector.fromMemorySegment(S512, a, aoB + 128 * g, ORDER)).add(q1.mul(ShortVector.fromMemorySegment(S512, a, aoB + 128 * g + 64, ORDER))).reinterpretShape(I512, 0);
                    accA = tA.add(tA.lanewise(LSHL, 16)).and(0xFFFF0000).convertShape(I2F, F512, 0).reinterpretAsFloats().fma(sc.mul(dA), accA);
                    accB = tB.add(tB.lanewise(LSHL, 16)).and(0xFFFF0000).convertShape(I2F, F512, 0).reinterpretAsFloats().fma(sc.mul(dB), accB);
                }
            }
            accA.intoMemorySegment(u, accAt, ORDER);
            accB.intoMemorySegment(u, accAt + 64, ORDER);
        }
    }
}

package dev.hearth.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every vectorized kernel against the scalar reference: quantize byte-identical, dequantize exact,
 * dot equal up to float summation order. Also checks the reference dots themselves against the
 * plain sum of dequantized products, so a mistake shared by both implementations still shows.
 */
class VectorMatchesScalarTest {
    private static final int N = 1024;

    @ParameterizedTest
    @EnumSource(names = {"F32", "F16", "BF16", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "Q8_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "Q8_K", "Q8_K_WIDE", "Q8_0_WIDE", "F16_WIDE", "Q8_0_NIBBLE"})
    void quantizeAndDequantizeAreIdentical(GgmlType type) {
        TypeOps ref = ScalarTypeOps.of(type);
        TypeOps vec = TypeOps.of(type);
        long seed = 1;
        for (TestData.Shape shape : TestData.Shape.values()) {
            float[] x = TestData.row(shape, N, seed++);
            MemorySegment a = TestData.quantized(ref, x);
            MemorySegment b = TestData.quantized(vec, x);
            assertThat(b.toArray(ValueLayout.JAVA_BYTE)).as("%s quantize of %s row", type, shape)
                    .isEqualTo(a.toArray(ValueLayout.JAVA_BYTE));
            assertThat(TestData.dequantized(vec, a, N)).as("%s dequantize of %s row", type, shape)
                    .isEqualTo(TestData.dequantized(ref, a, N));
        }
    }

    private static MemorySegment activations(TypeOps act, float[] x) {
        MemorySegment s = TestData.segment(act.type().bytesFor(x.length));
        act.quantizeActivations(x, 0, s, 0, x.length);
        return s;
    }

    @ParameterizedTest
    @EnumSource(names = {"F32", "F16", "BF16", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void dotsAgreeWithReferenceAndWithDequantizedProducts(GgmlType type) {
        TypeOps ref = ScalarTypeOps.of(type);
        TypeOps vec = TypeOps.of(type);
        TypeOps act = ScalarTypeOps.of(ref.dotType());
        long seed = 100;
        for (TestData.Shape ws : TestData.Shape.values()) {
            for (TestData.Shape as : new TestData.Shape[] {TestData.Shape.GAUSSIAN, TestData.Shape.OUTLIERS, TestData.Shape.GRID}) {
                MemorySegment w = TestData.quantized(ref, TestData.row(ws, N, seed++));
                float[] ax = TestData.row(as, N, seed++);
                // activations as a forward pass encodes them; the vector kernel may take the same
                // values in its own layout (Q8_K_WIDE, Q8_0_WIDE)
                MemorySegment a = activations(act, ax);
                MemorySegment av = vec.dotType() == ref.dotType() ? a : activations(ScalarTypeOps.of(vec.dotType()), ax);
                float[] wd = TestData.dequantized(ref, w, N);
                float[] ad = TestData.dequantized(act, a, N);
                double exact = 0, magnitude = 0;
                for (int i = 0; i < N; i++) {
                    exact += (double) wd[i] * ad[i];
                    magnitude += Math.abs((double) wd[i] * ad[i]);
                }
                if (ref.dotType() == GgmlType.Q8_1) {
                    // ggml's Q8_1 carries s = fp16(d_a·Σq_a), so the min term m_w·s_a is only as exact as a half
                    for (int b = 0; b < N / 32; b++) {
                        magnitude += Math.abs(Blocks.half(w, (long) b * type.blockBytes + 2)
                                * Blocks.half(a, 36L * b + 2)) * 0x1p-11 / 1e-5;
                    }
                }
                float scalar = ref.dot(w, 0, a, 0, N);
                float vector = vec.dot(w, 0, av, 0, N);
                String what = type + " weights " + ws + " · activations " + as;
                assertThat((double) scalar).as("reference dot vs Σ dequantized products, " + what)
                        .isCloseTo(exact, within(1e-5 * magnitude + 1e-30));
                assertThat(vector).as("vector dot vs reference, " + what)
                        .isCloseTo(scalar, within((float) (1e-5 * magnitude) + 1e-30f));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"F32", "F16", "BF16", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void dotHonoursOffsetsAndShortRows(GgmlType type) {
        TypeOps vec = TypeOps.of(type);
        TypeOps ref = ScalarTypeOps.of(type);
        int n = type.blockSize == 256 ? 256 : 96;
        float[] wx = TestData.row(TestData.Shape.GAUSSIAN, 3 * n, 7);
        float[] ax = TestData.row(TestData.Shape.GAUSSIAN, 3 * n, 8);
        MemorySegment w = TestData.quantized(ref, wx);
        MemorySegment a = activations(ScalarTypeOps.of(ref.dotType()), ax);
        MemorySegment av = activations(ScalarTypeOps.of(vec.dotType()), ax);
        long wOff = type.bytesFor(n);
        float expected = ref.dot(w, wOff, a, ref.dotType().bytesFor(n), n);
        assertThat(vec.dot(w, wOff, av, vec.dotType().bytesFor(n), n)).isCloseTo(expected, within(Math.abs(expected) * 1e-5f + 1e-9f));
    }

    @Test
    void dotRowsIsDotPerRow() {
        TypeOps ops = TypeOps.of(GgmlType.Q4_K);
        TypeOps act = TypeOps.of(ops.dotType());
        int n = 512, rows = 5;
        long stride = GgmlType.Q4_K.bytesFor(n) + 16; // rows need not be packed
        MemorySegment w = TestData.segment(stride * rows);
        for (int r = 0; r < rows; r++) ops.quantize(TestData.row(TestData.Shape.GAUSSIAN, n, r), 0, w, r * stride, n);
        MemorySegment a = TestData.quantized(act, TestData.row(TestData.Shape.GAUSSIAN, n, 99));
        float[] out = new float[rows + 2];
        ops.dotRows(w, 0, stride, rows, a, 0, n, out, 1);
        for (int r = 0; r < rows; r++) assertThat(out[r + 1]).isEqualTo(ops.dot(w, r * stride, a, 0, n));
        assertThat(out[0]).isZero();
        assertThat(out[rows + 1]).isZero();
    }

    /** Encoders reuse one buffer: every byte of the encoded rows must be written, whatever was there. */
    @ParameterizedTest
    @EnumSource(names = {"Q8_0", "Q8_1", "Q8_K", "Q8_K_WIDE", "Q8_0_WIDE", "Q8_0_NIBBLE", "F16", "F16_WIDE", "BF16", "F32"})
    void activationEncodersOverwriteDirtyBuffers(GgmlType type) {
        for (TypeOps ops : new TypeOps[] {TypeOps.of(type), ScalarTypeOps.of(type)}) {
            float[] x = TestData.row(TestData.Shape.GAUSSIAN, N, 90);
            MemorySegment clean = TestData.segment(type.bytesFor(N));
            MemorySegment dirty = TestData.segment(type.bytesFor(N));
            dirty.fill((byte) 0x5A);
            ops.quantizeActivations(x, 0, clean, 0, N);
            ops.quantizeActivations(x, 0, dirty, 0, N);
            assertThat(dirty.toArray(ValueLayout.JAVA_BYTE)).as("%s", ops).isEqualTo(clean.toArray(ValueLayout.JAVA_BYTE));
        }
    }

    /** The wide layout is only a re-arrangement: Q8_K's scale and integers, and its sums are theirs. */
    @Test
    void wideActivationsCarryQ8KsValues() {
        TypeOps wide = TypeOps.of(GgmlType.Q8_K_WIDE);
        TypeOps q8k = TypeOps.of(GgmlType.Q8_K);
        long seed = 50;
        for (TestData.Shape shape : TestData.Shape.values()) {
            float[] x = TestData.row(shape, N, seed++);
            MemorySegment w = TestData.quantized(wide, x);
            MemorySegment k = TestData.quantized(q8k, x);
            assertThat(TestData.dequantized(wide, w, N)).as("%s", shape).isEqualTo(TestData.dequantized(q8k, k, N));
            for (int b = 0; b < N / 256; b++) {
                long wb = 704L * b, kb = 292L * b;
                assertThat(w.get(ValueLayout.JAVA_FLOAT_UNALIGNED, wb + 640)).isEqualTo(k.get(ValueLayout.JAVA_FLOAT_UNALIGNED, kb));
                int[] q = new int[256];
                for (int i = 0; i < 256; i++) {
                    q[i] = k.get(ValueLayout.JAVA_BYTE, kb + 4 + i);
                    assertThat((int) w.get(ValueLayout.JAVA_SHORT_UNALIGNED, wb + 2L * Q8KWideOps.position(i))).isEqualTo(q[i]);
                }
                for (int j = 0; j < 16; j++) {
                    int s16 = 0;
                    for (int i = 0; i < 16; i++) s16 += q[16 * j + i];
                    assertThat(w.get(ValueLayout.JAVA_INT_UNALIGNED, wb + 576 + 4L * j)).isEqualTo(s16);
                    int s32 = 0; // lanes 0..7 zero, 8..15 the sums of sub-blocks 0..7
                    if (j >= 8) for (int i = 0; i < 32; i++) s32 += q[32 * (j - 8) + i];
                    assertThat(w.get(ValueLayout.JAVA_INT_UNALIGNED, wb + 512 + 4L * j)).isEqualTo(s32);
                }
            }
        }
    }

    /** Q8_0_WIDE holds llama.cpp's run-time Q8_0 activations (not the file quantizer's), widened. */
    @Test
    void wideActivationsCarryRunTimeQ8_0Values() {
        TypeOps wide = TypeOps.of(GgmlType.Q8_0_WIDE);
        TypeOps q80 = TypeOps.of(GgmlType.Q8_0);
        long seed = 70;
        for (TestData.Shape shape : TestData.Shape.values()) {
            float[] x = TestData.row(shape, N, seed++);
            MemorySegment w = TestData.quantized(wide, x);
            MemorySegment k = TestData.segment(GgmlType.Q8_0.bytesFor(N));
            q80.quantizeActivations(x, 0, k, 0, N);
            assertThat(TestData.dequantized(wide, w, N)).as("%s", shape).isEqualTo(TestData.dequantized(q80, k, N));
            for (int b = 0; b < N / 32; b++) {
                assertThat(w.get(ValueLayout.JAVA_FLOAT_UNALIGNED, 68L * b + 64)).isEqualTo(Blocks.half(k, 34L * b));
                for (int j = 0; j < 32; j++)
                    assertThat((int) w.get(ValueLayout.JAVA_SHORT_UNALIGNED, 68L * b + 2 * j)).isEqualTo((int) k.get(ValueLayout.JAVA_BYTE, 34L * b + 2 + j));
            }
        }
    }

    /**
     * Where an activation encoding gives its decoded values straight from the floats ({@link ActivationRoundTrip}: the prompt
     * GEMM's panels), they are the bits of its bytes decoded: every shape, rows of one, three and many blocks written at an
     * offset, and a row with a block of zeros, an infinity and a NaN.
     */
    @ParameterizedTest
    @EnumSource(names = {"Q8_0_NIBBLE", "Q8_K_WIDE", "F16_WIDE"})
    void roundTripsGiveTheDecodedBytes(GgmlType type) {
        TypeOps ops = TypeOps.of(type);
        assertThat(ops).isInstanceOf(ActivationRoundTrip.class);
        ActivationRoundTrip direct = (ActivationRoundTrip) ops;
        int block = type.blockSize;
        long seed = 300;
        java.util.List<float[]> rows = new java.util.ArrayList<>();
        for (int n : new int[] {block, 3 * block, N})
            for (TestData.Shape shape : TestData.Shape.values()) rows.add(TestData.row(shape, n, seed++));
        int unit = Math.max(block, 32); // F16_WIDE's block is one value
        float[] special = TestData.row(TestData.Shape.GAUSSIAN, 4 * unit, seed);
        java.util.Arrays.fill(special, 0, unit, 0f);
        special[unit + 3] = Float.POSITIVE_INFINITY;
        special[2 * unit + 5] = Float.NaN;
        rows.add(special);
        for (float[] x : rows) {
            int n = x.length;
            float[] want = TestData.dequantized(ops, TestData.quantized(ops, x), n);
            float[] got = new float[n + 7];
            direct.roundTrip(x, 0, got, 7, n);
            assertThat(java.util.Arrays.copyOfRange(got, 7, n + 7)).as("%s, n=%d", type, n).isEqualTo(want);
        }
    }

    /** Q8_0_NIBBLE holds Q8_0_WIDE's numbers (llama.cpp's run-time Q8_0), in any row length. */
    @Test
    void nibbleActivationsCarryRunTimeQ8_0Values() {
        TypeOps nibble = TypeOps.of(GgmlType.Q8_0_NIBBLE);
        TypeOps wide = TypeOps.of(GgmlType.Q8_0_WIDE);
        long seed = 80;
        for (int n : new int[] {N, 32, 96, 160, 224}) {
            for (TestData.Shape shape : TestData.Shape.values()) {
                float[] x = TestData.row(shape, n, seed++);
                MemorySegment e = TestData.quantized(nibble, x);
                MemorySegment k = TestData.quantized(wide, x);
                assertThat(TestData.dequantized(nibble, e, n)).as("%s, n=%d", shape, n).isEqualTo(TestData.dequantized(wide, k, n));
                for (int b = 0; b < n / 32; b++) {
                    long off = 256L * b;
                    for (int i = 0; i < 16; i++) {
                        int lo = k.get(ValueLayout.JAVA_SHORT_UNALIGNED, 68L * b + 2 * i), hi = k.get(ValueLayout.JAVA_SHORT_UNALIGNED, 68L * b + 32 + 2 * i);
                        assertThat(e.get(ValueLayout.JAVA_FLOAT_UNALIGNED, off + 4 * i)).isEqualTo(32768f * lo);
                        assertThat(e.get(ValueLayout.JAVA_FLOAT_UNALIGNED, off + 64 + 4 * i)).isEqualTo(2048f * (hi - 16 * lo));
                        assertThat(e.get(ValueLayout.JAVA_FLOAT_UNALIGNED, off + 128 + 4 * i)).isEqualTo(-8f * lo - 2056f * hi);
                    }
                    for (int j = 0; j < 4; j++) {
                        float expected = b + j < n / 32 ? k.get(ValueLayout.JAVA_FLOAT_UNALIGNED, 68L * (b + j) + 64) * 0x1p112f : 0f;
                        assertThat(e.get(ValueLayout.JAVA_FLOAT_UNALIGNED, off + 192 + 4 * j)).isEqualTo(expected);
                    }
                }
            }
        }
    }

    /**
     * Q4_K's dotRows takes rows of more than 32 super-blocks a chunk of 16 at a time, over blocks of 16 rows,
     * each row's accumulator carried between chunks: dot per row to the bit. Rows of 32 super-blocks (not
     * chunked), 33 (a last chunk of one) and 56 (ffn_down of 7-8B models), 1, 17 and 33 rows (a short last
     * row block), rows that need not be packed.
     */
    @Test
    void chunkedQ4KDotRowsIsDotPerRow() {
        TypeOps ops = TypeOps.of(GgmlType.Q4_K);
        TypeOps act = TypeOps.of(ops.dotType());
        for (int n : new int[] {8192, 8448, 14336}) {
            MemorySegment a = TestData.segment(act.type().bytesFor(n));
            act.quantizeActivations(TestData.row(TestData.Shape.GAUSSIAN, n, 99), 0, a, 0, n);
            for (int rows : new int[] {1, 17, 33}) {
                long stride = GgmlType.Q4_K.bytesFor(n) + 16;
                MemorySegment w = TestData.segment(stride * rows);
                for (int r = 0; r < rows; r++) ops.quantize(TestData.row(TestData.Shape.values()[r % TestData.Shape.values().length], n, r), 0, w, r * stride, n);
                float[] out = new float[rows + 2];
                ops.dotRows(w, 0, stride, rows, a, 0, n, out, 1);
                for (int r = 0; r < rows; r++)
                    assertThat(Float.floatToRawIntBits(out[r + 1])).as("n=%d rows=%d row %d", n, rows, r)
                            .isEqualTo(Float.floatToRawIntBits(ops.dot(w, r * stride, a, 0, n)));
                assertThat(out[0]).isZero();
                assertThat(out[rows + 1]).isZero();
            }
        }
    }

    /**
     * The several-row dotRows kernels (Q4_0 and Q6_K two rows at a time, F16 four then two, Q8_0 four with the
     * rows left over repeated) are dot per row to the bit: odd row counts and counts that leave rows after groups
     * of four, row lengths with and without a whole number of their steps, rows that need not be packed, inf/NaN
     * weights (for Q6_K in the first and last super-block's d, for Q8_0 in the second and third block's d, for
     * the others in a value or block scale 36 and 40 bytes into the row).
     */
    @ParameterizedTest
    @EnumSource(names = {"Q4_0", "F16", "Q6_K", "Q8_0"})
    void severalRowDotRowsIsDotPerRow(GgmlType type) {
        TypeOps ops = TypeOps.of(type);
        TypeOps act = TypeOps.of(ops.dotType());
        boolean superBlocks = type == GgmlType.Q6_K;
        int dAt = 208, superBlock = 210;
        for (int n : superBlocks ? new int[] {256, 512, 2048} : new int[] {512, 2048, 160, 96}) {
            for (int rows : new int[] {1, 2, 5, 8, 11}) {
                long stride = type.bytesFor(n) + 6;
                MemorySegment w = TestData.segment(stride * rows);
                for (int r = 0; r < rows; r++) ops.quantize(TestData.row(TestData.Shape.values()[r % TestData.Shape.values().length], n, r), 0, w, r * stride, n);
                MemorySegment a = TestData.segment(act.type().bytesFor(n));
                act.quantizeActivations(TestData.row(TestData.Shape.GAUSSIAN, n, 99), 0, a, 0, n);
                for (int special = 0; special < 3; special++) {
                    boolean q8 = type == GgmlType.Q8_0;
                    if (special == 1 && rows > 2) w.set(ValueLayout.JAVA_SHORT_UNALIGNED, 2 * stride + (superBlocks ? dAt : q8 ? 34 : 36), (short) 0x7c00); // +inf
                    if (special == 2 && rows > 2) w.set(ValueLayout.JAVA_SHORT_UNALIGNED, 2 * stride + (superBlocks ? superBlock * (n / 256 - 1) + dAt : q8 ? 68 : 40), (short) 0x7e00); // NaN
                    float[] out = new float[rows + 2];
                    ops.dotRows(w, 0, stride, rows, a, 0, n, out, 1);
                    for (int r = 0; r < rows; r++)
                        assertThat(Float.floatToRawIntBits(out[r + 1])).as("n=%d rows=%d row %d special %d", n, rows, r, special)
                                .isEqualTo(Float.floatToRawIntBits(ops.dot(w, r * stride, a, 0, n)));
                    assertThat(out[0]).isZero();
                    assertThat(out[rows + 1]).isZero();
                }
            }
        }
    }

    /**
     * The Q4_0 dot widens its weights' fp16 scales with a shortcut that would read inf and NaN as finite
     * numbers; such rows take the exact path: the result is not finite, in dot and dotRows alike, and
     * finite scales give the reference's numbers for every half.
     */
    @Test
    void q4_0DotReadsEveryScaleExactly() {
        TypeOps vec = TypeOps.of(GgmlType.Q4_0);
        TypeOps ref = ScalarTypeOps.of(GgmlType.Q4_0);
        int n = 128;
        float[] x = TestData.row(TestData.Shape.GAUSSIAN, n, 5);
        MemorySegment a = TestData.segment(vec.dotType().bytesFor(n));
        TypeOps.of(vec.dotType()).quantizeActivations(x, 0, a, 0, n);
        MemorySegment aRef = TestData.segment(ref.dotType().bytesFor(n));
        ScalarTypeOps.of(ref.dotType()).quantizeActivations(x, 0, aRef, 0, n);
        long rowBytes = GgmlType.Q4_0.bytesFor(n);
        MemorySegment w = TestData.segment(rowBytes * 2);
        float[] wx = TestData.row(TestData.Shape.GAUSSIAN, n, 6);
        ref.quantize(wx, 0, w, 0, n);
        ref.quantize(wx, 0, w, rowBytes, n);
        float[] out = new float[2];
        for (int h = 0; h < 65536; h += 7) {
            int block = h % 4;
            w.set(ValueLayout.JAVA_SHORT_UNALIGNED, 18L * block, (short) h);
            w.set(ValueLayout.JAVA_SHORT_UNALIGNED, rowBytes + 18L * block, (short) h);
            float got = vec.dot(w, 0, a, 0, n);
            vec.dotRows(w, 0, rowBytes, 2, a, 0, n, out, 0);
            assertThat(Float.floatToRawIntBits(out[0])).as("half 0x%04x", h).isEqualTo(Float.floatToRawIntBits(got));
            assertThat(Float.floatToRawIntBits(out[1])).as("half 0x%04x", h).isEqualTo(Float.floatToRawIntBits(got));
            float expected = ref.dot(w, 0, aRef, 0, n);
            float[] wd = TestData.dequantized(ref, w, n), ad = TestData.dequantized(ScalarTypeOps.of(ref.dotType()), aRef, n);
            double magnitude = 0;
            for (int i = 0; i < n; i++) magnitude += Math.abs((double) wd[i] * ad[i]);
            if ((h & 0x7C00) == 0x7C00) assertThat(Float.isFinite(got)).as("half 0x%04x", h).isFalse();
            else assertThat(got).as("half 0x%04x", h).isCloseTo(expected, within((float) (1e-5 * magnitude) + 1e-30f));
            ref.quantize(wx, 0, w, 0, n);
            ref.quantize(wx, 0, w, rowBytes, n);
        }
    }

    @Test
    void activationQuantizersAgreeOnTiesAndSpecialValues() {
        float[] x = new float[256];
        for (int i = 0; i < x.length; i++) x[i] = (i - 128) * 0.5f; // many exact .5 ratios after scaling
        x[3] = 127f * 0.5f;
        for (GgmlType t : new GgmlType[] {GgmlType.Q8_0, GgmlType.Q8_1, GgmlType.Q8_K, GgmlType.Q8_K_WIDE, GgmlType.Q8_0_WIDE, GgmlType.Q8_0_NIBBLE, GgmlType.F16, GgmlType.F16_WIDE, GgmlType.BF16}) {
            assertThat(TestData.quantized(TypeOps.of(t), x).toArray(ValueLayout.JAVA_BYTE)).as("%s", t)
                    .isEqualTo(TestData.quantized(ScalarTypeOps.of(t), x).toArray(ValueLayout.JAVA_BYTE));
        }
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, Float.MIN_VALUE,
            1.00390625f, 1.01171875f, 3.4e38f, -1e-40f, Float.intBitsToFloat(0x7F800001), 1f, 2f, 3f, 4f, 5f, 6f};
        assertThat(TestData.quantized(TypeOps.of(GgmlType.BF16), special).toArray(ValueLayout.JAVA_BYTE))
                .isEqualTo(TestData.quantized(ScalarTypeOps.of(GgmlType.BF16), special).toArray(ValueLayout.JAVA_BYTE));
    }

    /** The dot's fast half widening is only taken when no weight is inf/NaN: every half as a weight. */
    @Test
    void f16DotWidensEveryHalfExactly() {
        TypeOps vec = TypeOps.of(GgmlType.F16);
        MemorySegment w = TestData.segment(2 * 65536);
        for (int h = 0; h < 65536; h++) w.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, h, (short) h);
        TypeOps ref = ScalarTypeOps.of(GgmlType.F16);
        float[] one = new float[32];
        MemorySegment a = TestData.segment(vec.dotType().bytesFor(32));
        MemorySegment aRef = TestData.segment(GgmlType.F16.bytesFor(32));
        for (int h = 0; h < 65536; h += 32) {
            for (int lane = 0; lane < 32; lane++) {
                java.util.Arrays.fill(one, 0f);
                one[lane] = 1f;
                TypeOps.of(vec.dotType()).quantizeActivations(one, 0, a, 0, 32);
                ref.quantizeActivations(one, 0, aRef, 0, 32);
                // inf/NaN weights in the block make the sum NaN (∞·0) in both
                float expected = ref.dot(w, 2L * h, aRef, 0, 32);
                float got = vec.dot(w, 2L * h, a, 0, 32);
                if (Float.isNaN(expected)) assertThat(got).as("half 0x%04x", h + lane).isNaN();
                else assertThat(got).as("half 0x%04x", h + lane).isEqualTo(expected);
            }
        }
    }

    /**
     * The F16 row and token kernels widen a block the cheap way unless it holds a zero, a subnormal, an inf or a
     * NaN, and then fix its zeros and subnormals lane by lane: every finite half, shuffled so that blocks mix
     * those with normal halves, gives {@link #f16DotWidensEveryHalfExactly dot}'s numbers to the bit through
     * dotRows (groups of four, pairs, an odd last row) and dotTokens (groups of eight and a short group).
     */
    @Test
    void f16RowAndTokenKernelsWidenEveryFiniteHalfAsDotDoes() {
        TypeOps ops = TypeOps.of(GgmlType.F16);
        java.util.List<Short> finite = new java.util.ArrayList<>();
        for (int h = 0; h < 65536; h++) if ((h & 0x7c00) != 0x7c00) finite.add((short) h);
        java.util.Collections.shuffle(finite, new java.util.Random(7));
        int n = 64, rows = finite.size() / n;
        MemorySegment w = TestData.segment(2L * n * rows);
        for (int i = 0; i < n * rows; i++) w.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i, finite.get(i));
        int tokens = 11;
        MemorySegment a = TestData.segment(ops.dotType().bytesFor(n) * tokens);
        for (int t = 0; t < tokens; t++) TypeOps.of(ops.dotType()).quantizeActivations(TestData.row(TestData.Shape.GAUSSIAN, n, 40 + t), 0, a, ops.dotType().bytesFor(n) * t, n);
        for (int count : new int[] {rows, rows - 1, rows - 2}) {
            float[] out = new float[count];
            ops.dotRows(w, 0, 2L * n, count, a, 0, n, out, 0);
            for (int r = 0; r < count; r++)
                assertThat(Float.floatToRawIntBits(out[r])).as("%d rows, row %d", count, r)
                        .isEqualTo(Float.floatToRawIntBits(ops.dot(w, 2L * n * r, a, 0, n)));
        }
        float[] out = new float[tokens];
        for (int r = 0; r < rows; r += 97) {
            ops.dotTokens(w, 2L * n * r, a, 0, ops.dotType().bytesFor(n), tokens, n, out, 0, 1);
            for (int t = 0; t < tokens; t++)
                assertThat(Float.floatToRawIntBits(out[t])).as("row %d token %d", r, t)
                        .isEqualTo(Float.floatToRawIntBits(ops.dot(w, 2L * n * r, a, ops.dotType().bytesFor(n) * t, n)));
        }
    }

    @Test
    void halfWideningIsExactForEveryHalf() {
        MemorySegment all = TestData.segment(2 * 65536);
        for (int h = 0; h < 65536; h++) all.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, h, (short) h);
        float[] vec = TestData.dequantized(TypeOps.of(GgmlType.F16), all, 65536);
        float[] ref = TestData.dequantized(ScalarTypeOps.of(GgmlType.F16), all, 65536);
        for (int h = 0; h < 65536; h++) {
            assertThat(Float.floatToRawIntBits(vec[h])).as("half 0x%04x", h).isEqualTo(Float.floatToRawIntBits(ref[h]));
        }
    }
}

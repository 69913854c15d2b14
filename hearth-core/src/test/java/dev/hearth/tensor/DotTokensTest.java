package dev.hearth.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link TypeOps#dotTokens} gives for every token the very bits {@link TypeOps#dot} gives for it alone, for
 * every token count (groups and their remainders) and a row length with a tail past the last full block; for
 * F16 a row with an infinite weight (the exact widening path). {@link TypeOps#dotRowsTokens} likewise for
 * every row and token.
 */
class DotTokensTest {
    @ParameterizedTest
    @EnumSource(names = {"F32", "F16", "BF16", "Q4_0", "Q8_0", "Q4_K", "Q6_K"})
    void eachTokenIsItsOwnDot(GgmlType type) {
        TypeOps ops = TypeOps.of(type), act = TypeOps.of(ops.dotType());
        int n = type.blockSize > 32 ? 2560 : 1056; // 2560: 10 blocks of 256, past the K-quants' 8-block chunks; 1056 = 33 blocks of 32: a tail past the kernels' 32-value steps
        MemorySegment w = TestData.quantized(ScalarTypeOps.of(type), TestData.row(TestData.Shape.GAUSSIAN, n, 7));
        check(type, ops, act, w, n);
        if (type == GgmlType.F16) {
            w.set(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, 2L * 40, (short) 0x7c00); // +inf: the sums are ±inf, by the sign of a[40]
            check(type, ops, act, w, n);
        }
    }

    private static void check(GgmlType type, TypeOps ops, TypeOps act, MemorySegment w, int n) {
        for (int tokens = 1; tokens <= 17; tokens++) {
            long rowBytes = ops.dotType().bytesFor(n);
            MemorySegment a = TestData.segment(rowBytes * tokens);
            for (int t = 0; t < tokens; t++) act.quantizeActivations(TestData.row(TestData.Shape.OUTLIERS, n, 100 + t), 0, a, t * rowBytes, n);
            float[] got = new float[3 * tokens + 1], want = new float[3 * tokens + 1];
            ops.dotTokens(w, 0, a, 0, rowBytes, tokens, n, got, 1, 3);
            for (int t = 0; t < tokens; t++) want[1 + 3 * t] = ops.dot(w, 0, a, t * rowBytes, n);
            assertThat(got).as("%s, %d tokens", type, tokens).isEqualTo(want);
        }
    }

    /**
     * Several rows times several tokens (MatMul's path for 2 to 7 tokens and for tokenwise steps): each result is
     * the row's own dot with the token, whether the type goes token by token through dotRows or row by row
     * through dotTokens; odd row counts (a row paired with itself), row lengths with and without a whole
     * number of the kernels' steps, every other output cell left alone.
     */
    @ParameterizedTest
    @EnumSource(names = {"F32", "F16", "BF16", "Q4_0", "Q8_0", "Q4_K", "Q5_K", "Q6_K"})
    void eachRowAndTokenIsItsOwnDot(GgmlType type) {
        TypeOps ops = TypeOps.of(type), act = TypeOps.of(ops.dotType());
        for (int n : type.blockSize > 32 ? new int[] {512, 2560} : new int[] {1024, 1056}) {
            long rowBytes = type.bytesFor(n), aBytes = ops.dotType().bytesFor(n);
            for (int rows : new int[] {1, 6, 11, 19}) {
                MemorySegment w = TestData.segment(rowBytes * rows);
                for (int r = 0; r < rows; r++) ops.quantize(TestData.row(TestData.Shape.values()[r % TestData.Shape.values().length], n, r), 0, w, r * rowBytes, n);
                for (int tokens : new int[] {1, 2, 3, 5, 7, 9, 10, 17}) {
                    MemorySegment a = TestData.segment(aBytes * tokens);
                    for (int t = 0; t < tokens; t++) act.quantizeActivations(TestData.row(TestData.Shape.GAUSSIAN, n, 200 + t), 0, a, t * aBytes, n);
                    int stride = rows + 3;
                    float[] got = new float[stride * tokens + 1], want = new float[stride * tokens + 1];
                    ops.dotRowsTokens(w, 0, rowBytes, rows, a, 0, aBytes, tokens, n, got, 1, stride);
                    for (int t = 0; t < tokens; t++)
                        for (int r = 0; r < rows; r++) want[1 + t * stride + r] = ops.dot(w, r * rowBytes, a, t * aBytes, n);
                    assertThat(got).as("%s, n=%d, %d rows, %d tokens", type, n, rows, tokens).isEqualTo(want);
                }
            }
        }
    }

    /**
     * Rows with an infinite and a NaN block scale (a file can hold them; Q4_0's plain dot then takes its exact path):
     * the verification kernels give each token the row's own dot all the same, inf and NaN included.
     */
    @ParameterizedTest
    @EnumSource(names = {"Q4_0", "Q8_0"})
    void specialScalesGiveEachTokensDot(GgmlType type) {
        TypeOps ops = TypeOps.of(type), act = TypeOps.of(ops.dotType());
        int n = 1024, rows = 3;
        long rowBytes = type.bytesFor(n), aBytes = ops.dotType().bytesFor(n), blockBytes = type.bytesFor(32);
        MemorySegment w = TestData.segment(rowBytes * rows);
        for (int r = 0; r < rows; r++) ops.quantize(TestData.row(TestData.Shape.GAUSSIAN, n, 500 + r), 0, w, r * rowBytes, n);
        w.set(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, rowBytes + 5 * blockBytes, (short) 0x7c00); // row 1, block 5: +inf
        w.set(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, 2 * rowBytes + 2 * blockBytes, (short) 0x7e00); // row 2, block 2: NaN
        for (int tokens : new int[] {2, 9}) {
            MemorySegment a = TestData.segment(aBytes * tokens);
            for (int t = 0; t < tokens; t++) act.quantizeActivations(TestData.row(TestData.Shape.GAUSSIAN, n, 600 + t), 0, a, t * aBytes, n);
            float[] got = new float[rows * tokens], want = new float[rows * tokens];
            ops.dotRowsTokens(w, 0, rowBytes, rows, a, 0, aBytes, tokens, n, got, 0, rows);
            for (int t = 0; t < tokens; t++)
                for (int r = 0; r < rows; r++) want[t * rows + r] = ops.dot(w, r * rowBytes, a, t * aBytes, n);
            assertThat(Float.isFinite(want[1])).as("row 1 is not finite").isFalse();
            assertThat(got).as("%s, %d tokens", type, tokens).isEqualTo(want);
        }
    }

    /**
     * Batches below a type's GEMM threshold go through dotRowsTokens: a Q4_K or Q6_K batch of 11 tokens (the GEMM takes
     * them from 12) gives every token its own dot, bit for bit; Q8_0's of 11 goes through the float GEMM, which does not.
     */
    @ParameterizedTest
    @EnumSource(names = {"Q4_K", "Q6_K", "Q8_0"})
    void batchesBelowTheGemmThresholdAreEachTokensDot(GgmlType type) {
        TypeOps ops = TypeOps.of(type);
        int n = 512, rows = 70, tokens = 11;
        long rowBytes = type.bytesFor(n);
        MemorySegment w = TestData.segment(rowBytes * rows);
        for (int r = 0; r < rows; r++) ops.quantize(TestData.row(TestData.Shape.GAUSSIAN, n, r), 0, w, r * rowBytes, n);
        float[] x = new float[tokens * n];
        for (int t = 0; t < tokens; t++) System.arraycopy(TestData.row(TestData.Shape.OUTLIERS, n, 300 + t), 0, x, t * n, n);
        try (ComputePool pool = new ComputePool(2)) {
            EncodedRows enc = new EncodedRows().encode(pool, ops.dotType(), x, tokens, n);
            float[] y = new float[tokens * rows], want = new float[tokens * rows];
            MatMul.multiply(pool, new dev.hearth.gguf.Tensor("w", type, new long[] {n, rows}, w), enc, y, 0, rows);
            for (int t = 0; t < tokens; t++)
                for (int r = 0; r < rows; r++) want[t * rows + r] = ops.dot(w, r * rowBytes, enc.segment(), enc.rowOffset(t), n);
            if (tokens < ops.gemmMinTokens()) assertThat(y).as("%s", type).isEqualTo(want);
            else assertThat(y).as("%s", type).isNotEqualTo(want);
        }
    }
}

package dev.hearth.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link TypeOps#dotTokens} gives for every token the very bits {@link TypeOps#dot} gives for it alone, for
 * every token count (groups and their remainders) and a row length with a tail past the last full block; for
 * F16 a row with an infinite weight (the exact widening path).
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
}

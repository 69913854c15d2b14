package dev.hearth.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** dequantize(quantize(x)) stays as close to x as each format's bits allow. */
class RoundTripTest {
    private static final int N = 4096;

    /**
     * Per-value bound for the formats with a closed-form error: half a quantization step (step =
     * amax/levels for the symmetric formats, range/levels for the min formats), a whole step for
     * Q4_0/Q5_0 (they map the largest magnitude to level -8/-16, so the other sign only reaches +7/+15),
     * plus the half-precision rounding of d (and m) applied to the largest level: relative 2^-11 for
     * normal halves, absolute 2^-25 in the subnormal range that tiny blocks fall into.
     */
    @ParameterizedTest
    @CsvSource({"Q8_0, 127, 128, 0.5", "Q4_0, 8, 8, 1", "Q5_0, 16, 16, 1", "Q4_1, 15, 15, 0.5", "Q5_1, 31, 31, 0.5"})
    void simpleFormatsStayWithinTheirStep(GgmlType type, int levels, int maxLevel, double steps) {
        TypeOps ops = TypeOps.of(type);
        boolean withMin = type == GgmlType.Q4_1 || type == GgmlType.Q5_1;
        for (TestData.Shape shape : TestData.Shape.values()) {
            float[] x = TestData.row(shape, N, shape.ordinal());
            float[] y = TestData.dequantized(ops, TestData.quantized(ops, x), N);
            for (int b = 0; b < N / 32; b++) {
                float min = Float.MAX_VALUE, max = -Float.MAX_VALUE, amax = 0;
                for (int i = 32 * b; i < 32 * b + 32; i++) {
                    min = Math.min(min, x[i]);
                    max = Math.max(max, x[i]);
                    amax = Math.max(amax, Math.abs(x[i]));
                }
                float step = withMin ? (max - min) / levels : amax / levels;
                // the half-precision d (and m) are off by up to 2^-11 relative
                double bound = steps * step + maxLevel * (step * 0x1p-11 + 0x1p-25)
                        + (withMin ? Math.abs(min) * 0x1p-11 + 0x1p-25 : 0) + 1e-30;
                for (int i = 32 * b; i < 32 * b + 32; i++) {
                    assertThat((double) Math.abs(y[i] - x[i])).as("%s %s value %d: %s → %s", type, shape, i, x[i], y[i])
                            .isLessThanOrEqualTo(bound);
                }
            }
        }
    }

    /**
     * Relative RMS error on Gaussian rows: each bound is the error measured when these tests were
     * written (F16 0.00021, BF16 0.0017, Q8_0 0.0053, Q6_K 0.0176, Q5_1 0.037, Q5_0 0.042, Q5_K 0.036,
     * Q4_1 0.077, Q4_0 0.084, Q4_K 0.070, Q3_K 0.148, Q2_K 0.290, Q8_K 0.0067) plus ~20%: a quantizer
     * that silently got worse fails here even if it still round-trips.
     */
    @ParameterizedTest
    @CsvSource({"F16, 0.00025", "BF16, 0.002", "Q8_0, 0.0063", "Q6_K, 0.021", "Q5_1, 0.045", "Q5_0, 0.05", "Q5_K, 0.043",
        "Q4_1, 0.093", "Q4_0, 0.1", "Q4_K, 0.084", "Q3_K, 0.18", "Q2_K, 0.35", "Q8_1, 0.0063", "Q8_K, 0.0081"})
    void gaussianRowsKeepTheirFormatsAccuracy(GgmlType type, double maxRelativeRms) {
        TypeOps ops = TypeOps.of(type);
        float[] x = TestData.row(TestData.Shape.GAUSSIAN, N, 42);
        float[] y = TestData.dequantized(ops, TestData.quantized(ops, x), N);
        double err = 0, energy = 0;
        for (int i = 0; i < N; i++) {
            err += (double) (y[i] - x[i]) * (y[i] - x[i]);
            energy += (double) x[i] * x[i];
        }
        double rel = Math.sqrt(err / energy);
        System.out.printf("%s relative RMS error %.5f%n", type, rel);
        assertThat(rel).as("%s relative RMS error", type).isLessThan(maxRelativeRms);
    }

    @ParameterizedTest
    @EnumSource(names = {"F16", "BF16", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "Q8_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "Q8_K"})
    void zerosStayZero(GgmlType type) {
        TypeOps ops = TypeOps.of(type);
        MemorySegment q = TestData.quantized(ops, new float[512]);
        // numerically zero: Q4_0's d = max/-8 makes them -0.0, as in ggml
        for (float v : TestData.dequantized(ops, q, 512)) assertThat(v == 0f).as("%s decodes %s", type, v).isTrue();
    }
}

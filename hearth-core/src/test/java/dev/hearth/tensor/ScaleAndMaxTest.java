package dev.hearth.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link FloatOps#scaleAndMax}: each value times a, and the largest product by Math.max's rules, whatever the length and start. */
class ScaleAndMaxTest {
    @Test
    void scalesEveryValueAndReturnsTheLargestAsMathMax() {
        Random random = new Random(3);
        for (int len = 0; len <= 200; len += 1 + len / 8) // the four-vector loop, the one-vector loop and the scalar rest
            for (int from : new int[] {0, 5}) {
                float[] x = new float[from + len + 3];
                for (int i = 0; i < x.length; i++) x[i] = (float) random.nextGaussian() * 10f;
                assertMatchesScalar(x, from, from + len, 0.125f);
            }
        // Math.max's rules: +0 above -0 (in any lane and in any order), NaN wins
        float[] zeros = new float[70];
        for (int i = 0; i < zeros.length; i++) zeros[i] = i == 41 ? 0f : -0f;
        assertThat(Float.floatToRawIntBits(FloatOps.scaleAndMax(zeros.clone(), 0, 70, 1f))).isEqualTo(Float.floatToRawIntBits(0f));
        float[] nan = new float[70];
        nan[66] = Float.NaN;
        assertThat(FloatOps.scaleAndMax(nan, 0, 70, 1f)).isNaN();
        nan = new float[70];
        nan[17] = Float.NaN;
        assertThat(FloatOps.scaleAndMax(nan, 0, 70, 1f)).isNaN();
        assertThat(FloatOps.scaleAndMax(new float[4], 2, 2, 1f)).isEqualTo(Float.NEGATIVE_INFINITY);
    }

    private static void assertMatchesScalar(float[] x, int from, int to, float a) {
        float[] expected = x.clone();
        float max = Float.NEGATIVE_INFINITY;
        for (int i = from; i < to; i++) max = Math.max(max, expected[i] *= a);
        float[] got = x.clone();
        assertThat(FloatOps.scaleAndMax(got, from, to, a)).as("max of [%d, %d)", from, to).isEqualTo(max);
        assertThat(got).as("values of [%d, %d)", from, to).isEqualTo(expected); // and nothing outside written
    }
}

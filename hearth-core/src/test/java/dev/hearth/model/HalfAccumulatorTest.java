package dev.hearth.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The vector float16 rounding gives the JDK's IEEE conversion (Float.floatToFloat16 and back) lane for lane. */
class HalfAccumulatorTest {
    @Test
    void roundingMatchesTheJdkConversionOverEveryRange() {
        SplittableRandom rnd = new SplittableRandom(7);
        int n = 1 << 16;
        float[] x = new float[n + 3];
        for (int i = 0; i < x.length; i++) {
            // exponents from deep subnormal (2^-30) to past float16's overflow (2^17), both signs
            float m = (float) (1 + rnd.nextDouble());
            x[i] = (rnd.nextBoolean() ? -1 : 1) * m * (float) Math.pow(2, rnd.nextInt(-30, 18));
        }
        // the edges: ties at the subnormal grid and at 10 mantissa bits, the largest float16, overflow
        float[] edges = {0x1p-25f, 0x1.8p-24f, 0x1p-14f, 0x1.ffcp-15f, 1 + 0x1p-11f, 1 + 0x3p-11f, 65504f, 65519.99f, 65520f, -0f, 0f};
        System.arraycopy(edges, 0, x, 0, edges.length);
        float[] y = x.clone();
        HalfAccumulator.scale(y, 1f, y.length);
        for (int i = 0; i < x.length; i++) {
            float want = Float.float16ToFloat(Float.floatToFloat16(x[i]));
            assertThat(y[i] == want).as("f16(%s) = %s, got %s", x[i], want, y[i]).isTrue(); // == : a zero's sign may differ
        }
    }

    @Test
    void fusedMultiplyAddIsRoundedOnce() {
        SplittableRandom rnd = new SplittableRandom(3);
        float[] acc = new float[37], v = new float[40];
        for (int i = 0; i < v.length; i++) v[i] = Float.float16ToFloat(Float.floatToFloat16((float) rnd.nextGaussian()));
        float[] want = acc.clone();
        for (int step = 0; step < 200; step++) {
            float w = (float) rnd.nextDouble();
            HalfAccumulator.fma(w, v, 3, acc, acc.length);
            for (int i = 0; i < want.length; i++) want[i] = Float.float16ToFloat(Float.floatToFloat16(Math.fma(v[3 + i], w, want[i])));
        }
        assertThat(acc).containsExactly(want);
    }
}

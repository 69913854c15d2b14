package dev.hearth.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.tensor.HalfRows;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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

    /**
     * run (the accumulator in registers across positions, the integer rounding while every lane is a normal half) gives
     * what scale and fma per position give, bit for bit; values from 2⁻²⁶ to 2¹⁴ put lanes below float16's normals and
     * past its largest value, so both roundings are taken.
     */
    @Test
    void aRunOfPositionsEqualsOneScaleAndFmaPerPosition() {
        SplittableRandom rnd = new SplittableRandom(11);
        int n = 128, count = 16;
        long stride = 2L * n + 64;
        MemorySegment rows = Arena.ofAuto().allocate(stride * count, 64);
        // each value index keeps one magnitude, so that its sums stay below float16's normals or run past its largest value
        double[] magnitude = new double[n];
        for (int i = 0; i < n; i++) magnitude[i] = Math.pow(2, rnd.nextInt(-26, 15));
        for (int p = 0; p < count; p++)
            for (int i = 0; i < n; i++)
                rows.set(HalfRows.HALF, p * stride + 2L * i, Float.floatToFloat16((float) (rnd.nextGaussian() * magnitude[i])));
        boolean subnormal = false, infinite = false;
        for (int trial = 0; trial < 50; trial++) {
            float[] w = new float[2 * count];
            for (int p = 0; p < count; p++) {
                w[p] = rnd.nextInt(3) == 0 ? (float) rnd.nextDouble() : 1f; // rescale factors, most of them 1
                w[count + p] = (float) rnd.nextDouble() * HalfRows.SCALE;
            }
            float[] y = new float[n];
            for (int i = 0; i < n; i++) y[i] = Float.float16ToFloat(Float.floatToFloat16((float) (rnd.nextGaussian() * magnitude[i])));
            float[] want = y.clone();
            for (int p = 0; p < count; p++) {
                if (w[p] != 1f) HalfAccumulator.scale(want, w[p], n);
                HalfAccumulator.fma(w[count + p], rows, p * stride, want, n);
            }
            HalfAccumulator.run(w, 0, count, count, rows, 0, stride, y, n);
            assertThat(y).as("trial %d", trial).containsExactly(want);
            for (float v : want) {
                subnormal |= v != 0 && Math.abs(v) < 0x1p-14f;
                infinite |= Float.isInfinite(v);
            }
        }
        assertThat(subnormal).as("some results below float16's normals").isTrue();
        assertThat(infinite).as("some results past float16's largest value").isTrue();
    }
}

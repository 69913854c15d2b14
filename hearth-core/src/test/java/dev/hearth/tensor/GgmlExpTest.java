package dev.hearth.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** ggml_v_expf ({@link FloatOps#expGgml}) and its two users: swiglu and the softmax of attention. */
class GgmlExpTest {
    /** The 16-lane loop is x / (1 + expGgml(-x)) · up to the bit, in every lane, for inputs over the whole float range. */
    @Test
    void vectorLanesAreGgmlsFormula() {
        Random random = new Random(11);
        int n = 16 * 4096;
        float[] x = new float[n], up = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = switch (i % 4) {
                case 0 -> (float) random.nextGaussian() * 4f;           // where FFN gates live
                case 1 -> (random.nextFloat() - 0.5f) * 400f;           // past exp's overflow and underflow
                case 2 -> Float.intBitsToFloat(random.nextInt());       // any bit pattern, NaN and ∞ included
                default -> (random.nextFloat() - 0.5f) * 1e-3f;
            };
            up[i] = (float) random.nextGaussian();
        }
        float[] gate = x.clone();
        FloatOps.swiglu(gate, 0, up, 0, n);
        for (int i = 0; i < n; i++) {
            float expected = x[i] / (1f + FloatOps.expGgml(-x[i])) * up[i];
            assertThat(Float.floatToIntBits(gate[i])).as("x = %s", x[i]).isEqualTo(Float.floatToIntBits(expected));
        }
    }

    /** ggml's stated accuracy (1.45 + 0.5 ulp) against Math.exp, and its flush points. */
    @Test
    void expGgmlIsWithinTwoUlps() {
        for (float x = -87.3f; x < 88.7f; x += 0.001f) {
            float e = FloatOps.expGgml(x), exact = (float) Math.exp(x);
            assertThat(Math.abs(e - exact)).as("x = %s", x).isLessThanOrEqualTo(2 * Math.ulp(exact));
        }
        assertThat(FloatOps.expGgml(0f)).isEqualTo(1f);
        assertThat(FloatOps.expGgml(200f)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(FloatOps.expGgml(-200f)).isEqualTo(0f);
        assertThat(FloatOps.expGgml(Float.NaN)).isNaN();
    }

    /**
     * softmaxExp: every value e^(x - max) by ggml's exp; the sum = each 16-wide chunk (from {@code from},
     * the last padded with zeros) reduced by LaneSum's tree, added in double, as ggml_vec_soft_max_f32.
     */
    @Test
    void softmaxExpIsGgmlsSoftMax() {
        Random random = new Random(5);
        for (int len : new int[] {1, 15, 16, 17, 50, 100, 515}) {
            int from = len > 20 ? 3 : 0;
            float[] x = new float[len + 2];
            for (int i = 0; i < x.length; i++) x[i] = (float) random.nextGaussian() * 5f;
            float max = Float.NEGATIVE_INFINITY;
            for (int i = from; i < len; i++) max = Math.max(max, x[i]);
            float[] expected = x.clone();
            double sum = 0;
            for (int c = from; c < len; c += 16) {
                float[] chunk = new float[16];
                for (int l = 0; l < 16 && c + l < len; l++) chunk[l] = expected[c + l] = FloatOps.expGgml(x[c + l] - max);
                sum += LaneSum.of(chunk, 0);
            }
            float[] got = x.clone();
            assertThat(FloatOps.softmaxExp(got, from, len, max)).as("sum, %d values", len).isEqualTo(sum);
            assertThat(got).as("values, %d", len).isEqualTo(expected); // and nothing outside [from, len) written
        }
    }
}

package dev.hearth.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link FloatOps#swiglu} as ggml_vec_swiglu_f32 computes it, and its exp (ggml_v_expf). */
class SwigluTest {
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
}

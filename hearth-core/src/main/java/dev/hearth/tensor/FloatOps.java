package dev.hearth.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Element-wise float kernels on activation rows: norms, activations, residual adds.
 * Accumulations that ggml does in double ({@code ggml_float}) are done in double here too,
 * so that norms and softmax sums agree with llama.cpp to the last bit more often than not.
 */
public final class FloatOps {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private FloatOps() {}

    /** out = x / sqrt(mean(x²) + eps) * weight, on {@code n} elements (ggml_rms_norm then mul). */
    public static void rmsNorm(float[] out, int outOff, float[] x, int xOff, float[] weight, int n, float eps) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            sum += (double) (v * v);
        }
        float mean = (float) (sum / n);
        // 1.0f / sqrtf(mean + eps) in float, as ggml does: a last-bit difference in the scale moves
        // activations across the rounding ties of the following int8 quantization
        float scale = 1.0f / (float) Math.sqrt(mean + eps);
        // ggml scales first (rms_norm), then multiplies by the weight in a separate op: keep both roundings.
        for (int i = 0; i < n; i++) out[outOff + i] = (x[xOff + i] * scale) * weight[i];
    }

    /** x[i] += y[i]. */
    public static void add(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += S.length()) {
            FloatVector a = FloatVector.fromArray(S, x, xOff + i);
            a.add(FloatVector.fromArray(S, y, yOff + i)).intoArray(x, xOff + i);
        }
        for (; i < n; i++) x[xOff + i] += y[yOff + i];
    }

    /**
     * gate[i] = silu(gate[i]) * up[i], silu(x) = x / (1 + e^-x) (ggml_swiglu). Vectorized: a scalar
     * exp per FFN element cost ~5% of a 1B model's generation step.
     */
    public static void swiglu(float[] gate, int gOff, float[] up, int uOff, int n) {
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += S.length()) {
            FloatVector g = FloatVector.fromArray(S, gate, gOff + i);
            FloatVector e = g.neg().lanewise(VectorOperators.EXP).add(1f);
            g.div(e).mul(FloatVector.fromArray(S, up, uOff + i)).intoArray(gate, gOff + i);
        }
        for (; i < n; i++) {
            float g = gate[gOff + i];
            gate[gOff + i] = (float) (g / (1.0 + Math.exp(-g))) * up[uOff + i];
        }
    }

    /** Rounds every value to the nearest float16 and back, as ggml does when it stores to or converts through F16. */
    public static void roundToF16(float[] x, int off, int n) {
        for (int i = 0; i < n; i++) x[off + i] = Float.float16ToFloat(Float.floatToFloat16(x[off + i]));
    }

    public static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += S.length())
            acc = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), acc);
        float s = LaneSum.of(acc);
        for (; i < n; i++) s += a[aOff + i] * b[bOff + i];
        return s;
    }

    /** y[i] += a * x[i]. */
    public static void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n) {
        FloatVector av = FloatVector.broadcast(S, a);
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += S.length())
            FloatVector.fromArray(S, x, xOff + i).fma(av, FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
        for (; i < n; i++) y[yOff + i] += a * x[xOff + i];
    }
}

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

    /**
     * LayerNorm as ggml_norm then mul and add: out = (x - mean) / sqrt(var + eps) * weight + bias (bias may be
     * null). The mean is a double sum cast to float; the variance sums squares 16 at a time in float, the way
     * ggml's AVX-512 ggml_vec_cvar_f32 reduces a register (halves added pairwise), then in double.
     */
    public static void layerNorm(float[] out, int outOff, float[] x, int xOff, float[] weight, float[] bias, int n, float eps) {
        double s = 0;
        for (int i = 0; i < n; i++) s += x[xOff + i];
        float mean = (float) s / n;
        double var = 0;
        int i = 0;
        for (; i + 15 < n; i += 16) {
            int o = xOff + i;
            float s0 = sq(x, o, mean) + sq(x, o + 8, mean), s1 = sq(x, o + 1, mean) + sq(x, o + 9, mean);
            float s2 = sq(x, o + 2, mean) + sq(x, o + 10, mean), s3 = sq(x, o + 3, mean) + sq(x, o + 11, mean);
            float s4 = sq(x, o + 4, mean) + sq(x, o + 12, mean), s5 = sq(x, o + 5, mean) + sq(x, o + 13, mean);
            float s6 = sq(x, o + 6, mean) + sq(x, o + 14, mean), s7 = sq(x, o + 7, mean) + sq(x, o + 15, mean);
            s0 += s4; s1 += s5; s2 += s6; s3 += s7;
            s0 += s2; s1 += s3;
            var += s0 + s1;
        }
        for (; i < n; i++) {
            float d = x[xOff + i] - mean;
            var += d * d;
        }
        float scale = 1.0f / (float) Math.sqrt((float) (var / n) + eps);
        for (int k = 0; k < n; k++) {
            float v = ((x[xOff + k] - mean) * scale) * weight[k];
            out[outOff + k] = bias != null ? v + bias[k] : v;
        }
    }

    private static float sq(float[] x, int i, float mean) {
        float d = x[i] - mean;
        return d * d;
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

    /**
     * GELU, tanh approximation, as ggml computes it on the CPU (GGML_GELU_FP16, ggml-cpu/vec.h): 0 below -10,
     * identity above 10, otherwise looked up by the input rounded to float16 in a table of float16 results.
     */
    public static float gelu(float x) {
        if (x <= -10f) return 0f;
        if (x >= 10f) return x;
        return GeluTable.T[Float.floatToFloat16(x) & 0xFFFF];
    }

    /** out[i] = gelu(x[i]) (ggml_gelu). */
    public static void gelu(float[] x, int off, int n) {
        for (int i = 0; i < n; i++) x[off + i] = gelu(x[off + i]);
    }

    /** gate[i] = gelu(gate[i]) * up[i] (ggml_geglu_split). */
    public static void geglu(float[] gate, int gOff, float[] up, int uOff, int n) {
        for (int i = 0; i < n; i++) gate[gOff + i] = gelu(gate[gOff + i]) * up[uOff + i];
    }

    /** ggml's table: gelu of every float16 value, computed in float and stored as float16. */
    private static final class GeluTable {
        static final float[] T = new float[65536];

        static {
            final float a = 0.044715f, sqrt2OverPi = 0.79788456080286535587989211986876f;
            for (int i = 0; i < 65536; i++) {
                float f = Float.float16ToFloat((short) i);
                float y = 0.5f * f * (1.0f + (float) Math.tanh(sqrt2OverPi * f * (1.0f + a * f * f)));
                T[i] = Float.float16ToFloat(Float.floatToFloat16(y));
            }
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

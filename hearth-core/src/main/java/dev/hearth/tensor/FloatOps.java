package dev.hearth.tensor;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
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
     * gate[i] = silu(gate[i]) * up[i], silu(x) = x / (1 + e^-x), as ggml_vec_swiglu_f32 computes it on an
     * AVX-512 machine: 16 lanes at a time with ggml_v_expf (see {@link #expGgml}), the tail with expf.
     * Not the Vector API's EXP: its compiled form (SVML) and its interpreted form ((float) Math.exp)
     * differ in the last bit for ~1% of inputs, so logits depended on when the JIT compiled this loop.
     */
    public static void swiglu(float[] gate, int gOff, float[] up, int uOff, int n) {
        int i = 0;
        for (int upper = F16.loopBound(n); i < upper; i += F16.length()) {
            FloatVector x = FloatVector.fromArray(F16, gate, gOff + i);
            FloatVector e = expGgml(FloatVector.zero(F16).sub(x));
            x.div(e.add(1f)).mul(FloatVector.fromArray(F16, up, uOff + i)).intoArray(gate, gOff + i);
        }
        for (; i < n; i++) {
            float g = gate[gOff + i];
            gate[gOff + i] = g / (1.0f + (float) Math.exp(-g)) * up[uOff + i]; // ggml_silu_f32: x/(1.0f + expf(-x))
        }
    }

    /**
     * x[i] = e^(x[i] - max) for i in [from, to), returning their sum in double: ggml_vec_soft_max_f32 on an
     * AVX-512 machine, whose rows ggml pads with masked (zero) positions to whole 16-lane chunks, each
     * chunk's lanes added by {@link LaneSum}'s tree (_mm512_reduce_add_ps) into the double sum.
     */
    public static double softmaxExp(float[] x, int from, int to, float max) {
        double sum = 0;
        FloatVector mx = FloatVector.broadcast(F16, max);
        int i = from;
        for (; i + 32 <= to; i += 32) {
            FloatVector e = expGgml(FloatVector.fromArray(F16, x, i).sub(mx)), f = expGgml(FloatVector.fromArray(F16, x, i + 16).sub(mx));
            e.intoArray(x, i);
            f.intoArray(x, i + 16);
            e = e.add(e.rearrange(LaneSum.HALF8));
            f = f.add(f.rearrange(LaneSum.HALF8));
            e = e.add(e.rearrange(LaneSum.HALF4));
            f = f.add(f.rearrange(LaneSum.HALF4));
            e = e.add(e.rearrange(LaneSum.HALF2));
            f = f.add(f.rearrange(LaneSum.HALF2));
            float a = e.lane(0) + e.lane(1), b = f.lane(0) + f.lane(1);
            sum += a;
            sum += b;
        }
        // the rest (fewer than 32): the scalar expGgml, which gives the vector's lanes bit for bit, then each chunk of 16
        // (ggml pads the last with zeros) through the tree. Not a vector loop of its own: with a vector expGgml at three
        // or four sites C2 reached NodeCountInliningCutoff and left the last ones as calls, each returning a heap-allocated
        // vector (JFR's allocation samples of an 8K -fa 0 bench named them)
        for (int j = i; j < to; j++) x[j] = expGgml(x[j] - max);
        for (; i < to; i += 16) {
            FloatVector e = FloatVector.fromArray(F16, x, i, F16.indexInRange(i, to));
            e = e.add(e.rearrange(LaneSum.HALF8));
            e = e.add(e.rearrange(LaneSum.HALF4));
            e = e.add(e.rearrange(LaneSum.HALF2));
            sum += e.lane(0) + e.lane(1);
        }
        return sum;
    }

    /**
     * {@link #softmaxExp} for {@code lanes} rows of scores stored interleaved: {@code x[p·lanes + l]} is row l's
     * score at position p ({@code lanes} a multiple of 16), each row against its own {@code max[l]}. Positions
     * {@code from .. to-1} ({@code from} a multiple of 16) become e^(x − max), and {@code sums[l]} gets row l's
     * sum in softmaxExp's order: each 16 positions through {@link LaneSum}'s tree in float, then into the double
     * sum, so that each row's result is the one softmaxExp gives on that row alone. Positions the caller masked
     * hold −∞ (giving 0); a row whose max is −∞ (it sees none of them) gets zeros. The positions after
     * {@code to} up to the next multiple of 16 are overwritten with zeros.
     */
    public static void softmaxExpLanes(float[] x, int from, int to, int lanes, float[] max, double[] sums) {
        for (int l = 0; l < lanes; l += 16) {
            FloatVector mx = FloatVector.fromArray(F16, max, l);
            VectorMask<Float> dead = mx.compare(VectorOperators.EQ, Float.NEGATIVE_INFINITY);
            for (int c = from; c < to; c += 16) {
                for (int p = c; p < c + 16; p++) {
                    int o = p * lanes + l;
                    FloatVector e = p < to ? expGgml(FloatVector.fromArray(F16, x, o).sub(mx)).blend(0f, dead) : FloatVector.zero(F16);
                    e.intoArray(x, o);
                }
                // LaneSum's tree, position p of the chunk standing for lane p: (p, p + 8), (p, p + 4), (p, p + 2), then 0 + 1
                int o = c * lanes + l, w = lanes;
                FloatVector a0 = FloatVector.fromArray(F16, x, o).add(FloatVector.fromArray(F16, x, o + 8 * w));
                FloatVector a1 = FloatVector.fromArray(F16, x, o + w).add(FloatVector.fromArray(F16, x, o + 9 * w));
                FloatVector a2 = FloatVector.fromArray(F16, x, o + 2 * w).add(FloatVector.fromArray(F16, x, o + 10 * w));
                FloatVector a3 = FloatVector.fromArray(F16, x, o + 3 * w).add(FloatVector.fromArray(F16, x, o + 11 * w));
                FloatVector a4 = FloatVector.fromArray(F16, x, o + 4 * w).add(FloatVector.fromArray(F16, x, o + 12 * w));
                FloatVector a5 = FloatVector.fromArray(F16, x, o + 5 * w).add(FloatVector.fromArray(F16, x, o + 13 * w));
                FloatVector a6 = FloatVector.fromArray(F16, x, o + 6 * w).add(FloatVector.fromArray(F16, x, o + 14 * w));
                FloatVector a7 = FloatVector.fromArray(F16, x, o + 7 * w).add(FloatVector.fromArray(F16, x, o + 15 * w));
                FloatVector b0 = a0.add(a4), b1 = a1.add(a5), b2 = a2.add(a6), b3 = a3.add(a7);
                FloatVector sum = b0.add(b2).add(b1.add(b3));
                for (int part = 0; part < 2; part++) {
                    DoubleVector d = (DoubleVector) sum.convert(VectorOperators.F2D, part);
                    d.add(DoubleVector.fromArray(D8, sums, l + 8 * part)).intoArray(sums, l + 8 * part);
                }
            }
        }
    }

    /**
     * e^x as ggml_v_expf (ggml-cpu/vec.h, the AVX-512 variant; "adapted from arm limited optimized
     * routine", max error 1.45 + 0.5 ulp): n = round(x·log2 e) by the 1.5·2^23 shift, b = x - n·ln 2 in
     * two parts, a degree-5 polynomial j, then j·2^n as _mm512_scalef_ps (here two exact power-of-two
     * factors, one rounding), ∞ or 0 when |n| > 192. Only +, ·, fma and bit operations: the same result
     * interpreted or compiled, and the same as ggml's. Scalar, for tests and as the lanes' definition.
     */
    static float expGgml(float x) {
        float z = Math.fma(x, 0x1.715476p+0f, 0x1.8p23f);
        float nn = z - 0x1.8p23f;
        float b = Math.fma(-nn, 0x1.7f7d1cp-20f, Math.fma(-nn, 0x1.62e4p-1f, x));
        if (Math.abs(nn) > 192f) return nn > 0f ? Float.POSITIVE_INFINITY : 0f;
        float u = b * b;
        float j = Math.fma(Math.fma(Math.fma(0x1.0e4020p-7f, b, 0x1.573e2ep-5f), u, Math.fma(0x1.555e66p-3f, b, 0x1.fffdb6p-2f)),
                u, Math.fma(0x1.ffffecp-1f, b, 1.0f));
        int ni = (int) nn, n1 = ni >> 1, n2 = ni - n1;
        return j * Float.intBitsToFloat((n1 + 127) << 23) * Float.intBitsToFloat((n2 + 127) << 23);
    }

    /**
     * {@link #expGgml(float)} in 16 lanes, for swiglu and softmaxExp. Both callers are small loops into
     * which C2 inlines it once they are hot (-XX:+PrintInlining on a 1B bench: "inline (hot)"; C1 and
     * cold sites do not, which only costs warm-up). Simd explains why kernels too large to inline into
     * must not call vector helpers.
     */
    private static FloatVector expGgml(FloatVector x) {
        FloatVector nn = x.fma(LOG2E, EXP_SHIFT).sub(EXP_SHIFT);
        FloatVector b = nn.neg().fma(LN2_LO, nn.neg().fma(LN2_HI, x));
        FloatVector u = b.mul(b);
        FloatVector j = C4.fma(b, C3).fma(u, C2.fma(b, C1)).fma(u, C0.fma(b, ONE));
        IntVector ni = (IntVector) nn.convert(VectorOperators.F2I, 0);
        IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1), n2 = ni.sub(n1);
        FloatVector e = j.mul(n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
                .mul(n2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
        return e.blend(FloatVector.zero(F16).blend(Float.POSITIVE_INFINITY, nn.compare(VectorOperators.GT, 0f)),
                nn.abs().compare(VectorOperators.GT, 192f));
    }

    private static final VectorSpecies<Float> F16 = FloatVector.SPECIES_512;
    private static final VectorSpecies<Double> D8 = DoubleVector.SPECIES_512;
    private static final FloatVector LOG2E = FloatVector.broadcast(F16, 0x1.715476p+0f), EXP_SHIFT = FloatVector.broadcast(F16, 0x1.8p23f);
    private static final FloatVector LN2_HI = FloatVector.broadcast(F16, 0x1.62e4p-1f), LN2_LO = FloatVector.broadcast(F16, 0x1.7f7d1cp-20f);
    private static final FloatVector C4 = FloatVector.broadcast(F16, 0x1.0e4020p-7f), C3 = FloatVector.broadcast(F16, 0x1.573e2ep-5f);
    private static final FloatVector C2 = FloatVector.broadcast(F16, 0x1.555e66p-3f), C1 = FloatVector.broadcast(F16, 0x1.fffdb6p-2f);
    private static final FloatVector C0 = FloatVector.broadcast(F16, 0x1.ffffecp-1f), ONE = FloatVector.broadcast(F16, 1f);

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

    /**
     * Σ a[i]·b[i] over {@code n} values (a multiple of 64) in ggml_vec_dot_f16's order on an AVX-512 machine without
     * float16 arithmetic (GGML_F16_STEP 64, GGML_F16_ARR 4): four 16-lane accumulators, the k-th taking values
     * 64j + 16k .. 64j + 16k + 15 by FMA, reduced as (0 + 2) + (1 + 3), then the lanes by {@link LaneSum}'s tree.
     */
    public static float dotSteps(float[] a, int aOff, float[] b, int bOff, int n) {
        FloatVector s0 = FloatVector.zero(F16), s1 = s0, s2 = s0, s3 = s0;
        for (int i = 0; i < n; i += 64) {
            s0 = FloatVector.fromArray(F16, a, aOff + i).fma(FloatVector.fromArray(F16, b, bOff + i), s0);
            s1 = FloatVector.fromArray(F16, a, aOff + i + 16).fma(FloatVector.fromArray(F16, b, bOff + i + 16), s1);
            s2 = FloatVector.fromArray(F16, a, aOff + i + 32).fma(FloatVector.fromArray(F16, b, bOff + i + 32), s2);
            s3 = FloatVector.fromArray(F16, a, aOff + i + 48).fma(FloatVector.fromArray(F16, b, bOff + i + 48), s3);
        }
        FloatVector acc = s0.add(s2).add(s1.add(s3));
        acc = acc.add(acc.rearrange(LaneSum.HALF8));
        acc = acc.add(acc.rearrange(LaneSum.HALF4));
        acc = acc.add(acc.rearrange(LaneSum.HALF2));
        return acc.lane(0) + acc.lane(1);
    }

    /**
     * x[i] *= a for i in [from, to), returning the largest product (−∞ for none). Four running maxima: a vector
     * max with Math.max's rules (NaN, −0 below +0) is several instructions long, and one chain of them held
     * the loop at about 17 cycles per 16 values; the largest value is the same in any order.
     */
    public static float scaleAndMax(float[] x, int from, int to, float a) {
        FloatVector m0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), m1 = m0, m2 = m0, m3 = m0;
        int i = from, n = S.length();
        for (int upper = from + ((to - from) / (4 * n)) * 4 * n; i < upper; i += 4 * n) {
            FloatVector v0 = FloatVector.fromArray(S, x, i).mul(a), v1 = FloatVector.fromArray(S, x, i + n).mul(a);
            FloatVector v2 = FloatVector.fromArray(S, x, i + 2 * n).mul(a), v3 = FloatVector.fromArray(S, x, i + 3 * n).mul(a);
            v0.intoArray(x, i);
            v1.intoArray(x, i + n);
            v2.intoArray(x, i + 2 * n);
            v3.intoArray(x, i + 3 * n);
            m0 = m0.max(v0);
            m1 = m1.max(v1);
            m2 = m2.max(v2);
            m3 = m3.max(v3);
        }
        for (int upper = from + S.loopBound(to - from); i < upper; i += n) {
            FloatVector v = FloatVector.fromArray(S, x, i).mul(a);
            v.intoArray(x, i);
            m0 = m0.max(v);
        }
        float m = m0.max(m1).max(m2.max(m3)).reduceLanes(VectorOperators.MAX); // the largest lane: any order gives it
        for (; i < to; i++) {
            x[i] *= a;
            m = Math.max(m, x[i]);
        }
        return m;
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

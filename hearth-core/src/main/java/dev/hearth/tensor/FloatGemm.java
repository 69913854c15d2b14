package dev.hearth.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The compute-bound half of prompt processing: {@code y[t][r] = Σ_k w[r][k] · a[t][k]} on float rows,
 * register-blocked 4 weight rows × 3 activation rows so that each vector load feeds several FMAs
 * (with one load per FMA the loop is load-bound, not FMA-bound). Rows are contiguous with stride
 * {@code k}; {@code k} is a multiple of the vector length (every GGUF row length Hearth runs is a
 * multiple of 32).
 *
 * <p>Each output is one 16-lane accumulator, lane j summing elements j, j+16, … by FMA in order, then
 * reduced by the same tree as GCC's {@code _mm512_reduce_add_ps}: exactly how llama.cpp's x86 build
 * (tinyBLAS in ggml-cpu/llamafile/sgemm.cpp) sums F32 and F16 rows, so those products agree to the
 * bit, and BF16 too when the rows are laid out as {@link TypeOps#decodeForGemm} does.
 */
final class FloatGemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    private static final int L = S.length();

    private FloatGemm() {}

    /**
     * Weight rows {@code [0, rows)} of {@code w} (row i at {@code i * k}) times activation rows
     * {@code [0, tokens)} of {@code a} (row t at {@code t * k}); result for (t, r) goes to
     * {@code y[t * ldy + yOffset + r]}.
     */
    static void multiply(float[] w, int rows, float[] a, int tokens, int k, float[] y, int yOffset, int ldy) {
        if (k % L != 0) { // odd row lengths (stories260K's 172-wide FFN): plain dots with a scalar tail
            for (int r = 0; r < rows; r++)
                for (int t = 0; t < tokens; t++) y[t * ldy + yOffset + r] = dotWithTail(w, r * k, a, t * k, k);
            return;
        }
        int r = 0;
        for (; r + 4 <= rows; r += 4) {
            int t = 0;
            for (; t + 3 <= tokens; t += 3) kernel4x3(w, r, a, t, k, y, yOffset, ldy);
            for (; t < tokens; t++)
                for (int i = 0; i < 4; i++) y[t * ldy + yOffset + r + i] = dot(w, (r + i) * k, a, t * k, k);
        }
        for (; r < rows; r++)
            for (int t = 0; t < tokens; t++) y[t * ldy + yOffset + r] = dot(w, r * k, a, t * k, k);
    }

    private static void kernel4x3(float[] w, int r, float[] a, int t, int k, float[] y, int yOffset, int ldy) {
        int w0 = r * k, w1 = w0 + k, w2 = w1 + k, w3 = w2 + k;
        int a0 = t * k, a1 = a0 + k, a2 = a1 + k;
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c10 = c00, c11 = c00, c12 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c30 = c00, c31 = c00, c32 = c00;
        for (int i = 0; i < k; i += L) {
            FloatVector x0 = FloatVector.fromArray(S, a, a0 + i);
            FloatVector x1 = FloatVector.fromArray(S, a, a1 + i);
            FloatVector x2 = FloatVector.fromArray(S, a, a2 + i);
            FloatVector v = FloatVector.fromArray(S, w, w0 + i);
            c00 = v.fma(x0, c00); c01 = v.fma(x1, c01); c02 = v.fma(x2, c02);
            v = FloatVector.fromArray(S, w, w1 + i);
            c10 = v.fma(x0, c10); c11 = v.fma(x1, c11); c12 = v.fma(x2, c12);
            v = FloatVector.fromArray(S, w, w2 + i);
            c20 = v.fma(x0, c20); c21 = v.fma(x1, c21); c22 = v.fma(x2, c22);
            v = FloatVector.fromArray(S, w, w3 + i);
            c30 = v.fma(x0, c30); c31 = v.fma(x1, c31); c32 = v.fma(x2, c32);
        }
        int o0 = t * ldy + yOffset + r, o1 = o0 + ldy, o2 = o1 + ldy;
        y[o0] = sum(c00); y[o1] = sum(c01); y[o2] = sum(c02);
        y[o0 + 1] = sum(c10); y[o1 + 1] = sum(c11); y[o2 + 1] = sum(c12);
        y[o0 + 2] = sum(c20); y[o1 + 2] = sum(c21); y[o2 + 2] = sum(c22);
        y[o0 + 3] = sum(c30); y[o1 + 3] = sum(c31); y[o2 + 3] = sum(c32);
    }

    static float dot(float[] w, int wo, float[] a, int ao, int k) {
        FloatVector c = FloatVector.zero(S);
        for (int i = 0; i < k; i += L) c = FloatVector.fromArray(S, w, wo + i).fma(FloatVector.fromArray(S, a, ao + i), c);
        return sum(c);
    }

    private static float dotWithTail(float[] w, int wo, float[] a, int ao, int k) {
        int body = k - k % L;
        float s = dot(w, wo, a, ao, body);
        for (int i = body; i < k; i++) s += w[wo + i] * a[ao + i];
        return s;
    }

    private static float sum(FloatVector v) {
        return LaneSum.of(v);
    }
}

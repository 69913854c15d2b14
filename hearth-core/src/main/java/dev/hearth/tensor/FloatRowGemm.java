package dev.hearth.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FloatGemm}'s products for batches too small for its panels of 16 tokens (under
 * {@link FloatGemm#MIN_TOKENS}) and for row lengths that are not a multiple of 16: the same sums
 * (tinyBLAS's order, bit for bit {@link FloatGemm#dot}) on rows in their natural order, register-blocked
 * 4 weight rows × 5 activation rows so that each vector load feeds several FMAs: 9 loads per 20 FMAs (4 × 3
 * needed 7 per 12 and was bound by the loads; 4 × 6, with 24 accumulators, made C2 spill one to the
 * stack). Tokens are the outer loop and k is walked in chunks ({@link #KC}), so a chunk of the five
 * activation rows stays in L1 while the weight block (decoded, L2-sized) is swept. This was the float
 * GEMM for every batch before FloatGemm; at 8 tokens, where FloatGemm's one panel is half empty, it is
 * still ~1.4× faster (1B F16, one thread: pp8 20 against 14 tokens/s), at 16 about even, from 24 on slower.
 */
final class FloatRowGemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    private static final int L = S.length();

    private FloatRowGemm() {}

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
        int rows4 = rows - rows % 4;
        int t = 0;
        float[] save = SAVE.get();
        if (save.length < rows4 * 5 * L) SAVE.set(save = new float[rows4 * 5 * L]);
        for (; t + 5 <= tokens; t += 5)
            for (int k0 = 0; k0 < k; k0 += KC)
                for (int r = 0; r < rows4; r += 4) kernel4x5(w, r, a, t, k, k0, Math.min(k, k0 + KC), save, r * 5 * L, y, yOffset, ldy);
        for (; t + 3 <= tokens; t += 3)
            for (int r = 0; r < rows4; r += 4) kernel4x3(w, r, a, t, k, y, yOffset, ldy);
        for (; t < tokens; t++)
            for (int r = 0; r < rows4; r++) y[t * ldy + yOffset + r] = FloatGemm.dot(w, r * k, a, t * k, k);
        for (int r = rows4; r < rows; r++)
            for (t = 0; t < tokens; t++) y[t * ldy + yOffset + r] = FloatGemm.dot(w, r * k, a, t * k, k);
    }

    /**
     * The 4×6 tile over k in [k0, k1), its 24 accumulators resumed from and saved to {@code save[so ..]}
     * (accumulator of row r+i, token t+j at {@code so + 16·(4j+i)}); after the last chunk they are reduced
     * into y. The FMA chains resume where they stopped, so the sums are those of one pass over k.
     */
    private static void kernel4x5(float[] w, int r, float[] a, int t, int k, int k0, int k1, float[] save, int so, float[] y, int yOffset, int ldy) {
        int w0 = r * k, w1 = w0 + k, w2 = w1 + k, w3 = w2 + k;
        int a0 = t * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k, a4 = a3 + k;
        FloatVector c00, c01, c02, c03, c04, c10, c11, c12, c13, c14;
        FloatVector c20, c21, c22, c23, c24, c30, c31, c32, c33, c34;
        if (k0 == 0) {
            c00 = FloatVector.zero(S); c01 = c00; c02 = c00; c03 = c00; c04 = c00;
            c10 = c00; c11 = c00; c12 = c00; c13 = c00; c14 = c00;
            c20 = c00; c21 = c00; c22 = c00; c23 = c00; c24 = c00;
            c30 = c00; c31 = c00; c32 = c00; c33 = c00; c34 = c00;
        } else {
            c00 = FloatVector.fromArray(S, save, so); c10 = FloatVector.fromArray(S, save, so + 16);
            c20 = FloatVector.fromArray(S, save, so + 32); c30 = FloatVector.fromArray(S, save, so + 48);
            c01 = FloatVector.fromArray(S, save, so + 64); c11 = FloatVector.fromArray(S, save, so + 80);
            c21 = FloatVector.fromArray(S, save, so + 96); c31 = FloatVector.fromArray(S, save, so + 112);
            c02 = FloatVector.fromArray(S, save, so + 128); c12 = FloatVector.fromArray(S, save, so + 144);
            c22 = FloatVector.fromArray(S, save, so + 160); c32 = FloatVector.fromArray(S, save, so + 176);
            c03 = FloatVector.fromArray(S, save, so + 192); c13 = FloatVector.fromArray(S, save, so + 208);
            c23 = FloatVector.fromArray(S, save, so + 224); c33 = FloatVector.fromArray(S, save, so + 240);
            c04 = FloatVector.fromArray(S, save, so + 256); c14 = FloatVector.fromArray(S, save, so + 272);
            c24 = FloatVector.fromArray(S, save, so + 288); c34 = FloatVector.fromArray(S, save, so + 304);
        }
        for (int i = k0; i < k1; i += L) {
            FloatVector v0 = FloatVector.fromArray(S, w, w0 + i);
            FloatVector v1 = FloatVector.fromArray(S, w, w1 + i);
            FloatVector v2 = FloatVector.fromArray(S, w, w2 + i);
            FloatVector v3 = FloatVector.fromArray(S, w, w3 + i);
            FloatVector x = FloatVector.fromArray(S, a, a0 + i);
            c00 = v0.fma(x, c00); c10 = v1.fma(x, c10); c20 = v2.fma(x, c20); c30 = v3.fma(x, c30);
            x = FloatVector.fromArray(S, a, a1 + i);
            c01 = v0.fma(x, c01); c11 = v1.fma(x, c11); c21 = v2.fma(x, c21); c31 = v3.fma(x, c31);
            x = FloatVector.fromArray(S, a, a2 + i);
            c02 = v0.fma(x, c02); c12 = v1.fma(x, c12); c22 = v2.fma(x, c22); c32 = v3.fma(x, c32);
            x = FloatVector.fromArray(S, a, a3 + i);
            c03 = v0.fma(x, c03); c13 = v1.fma(x, c13); c23 = v2.fma(x, c23); c33 = v3.fma(x, c33);
            x = FloatVector.fromArray(S, a, a4 + i);
            c04 = v0.fma(x, c04); c14 = v1.fma(x, c14); c24 = v2.fma(x, c24); c34 = v3.fma(x, c34);
        }
        // accumulators to scratch, reduced there: LaneSum.of(vector) is not inlined into a kernel this
        // large, and the call boxed all 24 vectors (12% of a Q4_K_M prompt's time, measured with perf)
        c00.intoArray(save, so); c10.intoArray(save, so + 16); c20.intoArray(save, so + 32); c30.intoArray(save, so + 48);
        c01.intoArray(save, so + 64); c11.intoArray(save, so + 80); c21.intoArray(save, so + 96); c31.intoArray(save, so + 112);
        c02.intoArray(save, so + 128); c12.intoArray(save, so + 144); c22.intoArray(save, so + 160); c32.intoArray(save, so + 176);
        c03.intoArray(save, so + 192); c13.intoArray(save, so + 208); c23.intoArray(save, so + 224); c33.intoArray(save, so + 240);
        c04.intoArray(save, so + 256); c14.intoArray(save, so + 272); c24.intoArray(save, so + 288); c34.intoArray(save, so + 304);
        if (k1 == k) store(save, so, 5, t, r, y, yOffset, ldy);
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
        float[] s = SCRATCH.get();
        c00.intoArray(s, 0); c10.intoArray(s, 16); c20.intoArray(s, 32); c30.intoArray(s, 48);
        c01.intoArray(s, 64); c11.intoArray(s, 80); c21.intoArray(s, 96); c31.intoArray(s, 112);
        c02.intoArray(s, 128); c12.intoArray(s, 144); c22.intoArray(s, 160); c32.intoArray(s, 176);
        store(s, 0, 3, t, r, y, yOffset, ldy);
    }

    private static float dotWithTail(float[] w, int wo, float[] a, int ao, int k) {
        int body = k - k % L;
        float s = FloatGemm.dot(w, wo, a, ao, body);
        for (int i = body; i < k; i++) s += w[wo + i] * a[ao + i];
        return s;
    }

    /** Per thread: the 12 accumulators of a 4×3 tile, 16 lanes each. */
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[12 * 16]);
    /** Per thread: the saved accumulators of every 4×6 tile of a 6-token group while k is walked in chunks. */
    private static final ThreadLocal<float[]> SAVE = ThreadLocal.withInitial(() -> new float[0]);

    /**
     * k is walked in chunks of this many so that a tile's operands (4 weight rows and 5 activation rows
     * of the chunk, 18 KB) stay in L1 while the block's rows are swept. With the 4×5 tile, one core went
     * 100 -> 110 GFLOP/s for the two changes together; which one mattered was not separated.
     */
    static final int KC = 512;

    /**
     * Reduces the tile at {@code s[so ..]} (accumulator of row r+i, token t+j at {@code so + 16·(4j+i)})
     * into y, each by {@link LaneSum#of}'s tree; no vector crosses a call.
     */
    private static void store(float[] s, int so, int tokens, int t, int r, float[] y, int yOffset, int ldy) {
        for (int j = 0; j < tokens; j++)
            for (int i = 0; i < 4; i++) y[(t + j) * ldy + yOffset + r + i] = LaneSum.of(s, so + 16 * (4 * j + i));
    }
}

package dev.hearth.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float GEMM of prompt processing for quantized weights: {@code y[t][r] = Σ_k w[r][k] · a[t][k]}
 * with the activations packed in <em>panels</em> of 16 tokens ({@link #pack}): panel p holds, for each
 * k, the 16 values {@code a[16p .. 16p+15][k]} side by side. A vector lane is then one token, so an
 * output is a single lane summed in k order by FMA (no horizontal reduction), and one weight value,
 * broadcast, meets 16 tokens at once.
 *
 * <p>Register blocking: 8 weight rows × 3 panels (48 tokens) = 24 accumulators; per k, 3 vector loads
 * and 8 broadcasts feed 24 FMAs, and both operands are read sequentially (the 8 weight rows and the
 * panels), so the hardware prefetchers keep them coming from L2. The row-wise {@link FloatGemm}, which
 * quantized weights used before, needs a 16-lane reduction per output and a full vector load per
 * weight row and token; on one Zen 5 core it ran at 100-110 GFLOP/s where this runs at 240 (peak ~270).
 *
 * <p>Numerics: each output is the float sum, in k order, of exact products of the decoded weights and
 * the decoded (8-bit) activations. llama.cpp sums the same integer products exactly per block and
 * scales per block, so the two differ in float rounding only (quantized weights have no bit-exact
 * float order to match; F32/F16/BF16 keep {@link FloatGemm}, which matches tinyBLAS to the bit).
 */
final class PanelGemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    static final int PANEL = 16;

    private PanelGemm() {}

    /** Floats needed for {@code tokens} activation rows of length {@code k} as panels (last one zero-padded). */
    static int packedLength(int tokens, int k) {
        return panels(tokens) * PANEL * k;
    }

    static int panels(int tokens) {
        return (tokens + PANEL - 1) / PANEL;
    }

    /**
     * Writes activation row {@code t} ({@code k} floats at {@code row[rowOffset ..]}) into its panel
     * lane: {@code packed[(t / 16)·16k + 16i + t % 16] = row[i]}.
     */
    static void pack(float[] row, int rowOffset, int t, int k, float[] packed) {
        int base = (t / PANEL) * PANEL * k + t % PANEL;
        for (int i = 0; i < k; i++) packed[base + PANEL * i] = row[rowOffset + i];
    }

    /** Zeroes the lanes of tokens {@code [tokens, next multiple of 16)} of the last panel. */
    static void padLastPanel(int tokens, int k, float[] packed) {
        if (tokens % PANEL == 0) return;
        int base = (tokens / PANEL) * PANEL * k;
        for (int i = 0; i < k; i++)
            for (int j = tokens % PANEL; j < PANEL; j++) packed[base + PANEL * i + j] = 0;
    }

    /** Scratch floats {@link #multiply} needs: one 16-lane accumulator per (row, panel), rows {@link #rowStride} apart. */
    static int scratchLength(int rows, int tokens) {
        return rows * rowStride(tokens);
    }

    /**
     * Floats from one row's accumulators to the next's: the panels' and 16 more, so that rows are not a power of two
     * apart (512 tokens: 2 KB), which put the values of one token that {@link #multiply} reads out together in two
     * L1 sets (as {@link Q4_0Gemm#rowStride}).
     */
    static int rowStride(int tokens) {
        return panels(tokens) * PANEL + 16;
    }

    /**
     * k is cut in chunks of this many: a chunk of 48 tokens' panels (384 KB) and of the weight rows
     * stays in L2 while the rows are swept (unchunked, k = 8192 ran at 65% of the FMA peak against
     * 90% at 2048). Accumulators are saved between chunks and the FMA chains resume, so the sums are
     * the same to the bit for any chunk size.
     */
    static final int KC = 2048;

    /**
     * Weight rows {@code [0, rows)} of {@code w} (row r at {@code r·k}, decoded floats) times the
     * {@code tokens} packed activations; the result for (t, r) goes to {@code y[t·ldy + yOffset + r]}.
     * {@code acc} is scratch of at least {@link #scratchLength} floats.
     */
    static void multiply(float[] w, int rows, float[] packed, int tokens, int k, float[] y, int yOffset, int ldy, float[] acc) {
        int np = panels(tokens);
        int rows8 = rows - rows % 8;
        // accumulator (row r, panel p) lives at acc[rs·r + 16p]
        int rs = rowStride(tokens);
        for (int k0 = 0; k0 < k; k0 += KC) {
            int k1 = Math.min(k, k0 + KC);
            boolean resume = k0 > 0;
            int p = 0;
            for (; p + 3 <= np; p += 3)
                for (int r = 0; r < rows8; r += 8) kernel8x3(w, r, packed, p, k0, k1, k, acc, r * rs + p * PANEL, rs, resume);
            if (p + 2 <= np) {
                for (int r = 0; r < rows8; r += 8) kernel8x2(w, r, packed, p, k0, k1, k, acc, r * rs + p * PANEL, rs, resume);
                p += 2;
            }
            for (; p < np; p++)
                for (int r = 0; r < rows8; r += 8) kernel8x1(w, r, packed, p, k0, k1, k, acc, r * rs + p * PANEL, rs, resume);
            for (int r = rows8; r < rows; r++)
                for (p = 0; p < np; p++) chain(w, r, packed, p, k0, k1, k, acc, r * rs + p * PANEL, resume);
        }
        // token-major, so each token's outputs are written as one run (row-major here touched one page per token per row):
        // 16 rows × a full panel's 16 tokens at a time, transposed in registers (Transpose.of16), then the rest element by element
        // (1B Q4_0 pp512, JFR: element by element this write-back took 3.6% of the samples, by tiles 3.0%, mostly the
        // tiles' loads)
        int rows16 = rows - rows % 16, full = tokens / PANEL;
        for (int p = 0; p < full; p++)
            for (int r = 0; r < rows16; r += 16) Transpose.of16(acc, r * rs + p * PANEL, rs, y, p * PANEL * ldy + yOffset + r, ldy);
        for (int t = 0; t < tokens; t++)
            for (int r = t < full * PANEL ? rows16 : 0, o = t * ldy + yOffset, s = (t / PANEL) * PANEL + t % PANEL; r < rows; r++) y[o + r] = acc[r * rs + s];
    }

    /**
     * One accumulator: weight row r × panel p over k in [k0, k1), resumed from (when {@code resume}) and saved
     * to {@code acc[o ..]} (rows left over after groups of eight).
     */
    static void chain(float[] w, int r, float[] packed, int p, int k0, int k1, int k, float[] acc, int o, boolean resume) {
        int wr = r * k, a = p * PANEL * k;
        FloatVector c = resume ? FloatVector.fromArray(S, acc, o) : FloatVector.zero(S);
        for (int i = k0; i < k1; i++) c = FloatVector.fromArray(S, packed, a + PANEL * i).fma(FloatVector.broadcast(S, w[wr + i]), c);
        c.intoArray(acc, o);
    }

    /**
     * Accumulators of weight rows r..r+7 × panels p..p+2 over k in [k0, k1), resumed from (when {@code resume})
     * and saved to {@code acc}: the one of row r+i, panel p+q at {@code o + rs·i + 16q}.
     */
    static void kernel8x3(float[] w, int r, float[] packed, int p, int k0, int k1, int k, float[] acc, int o, int rs, boolean resume) {
        int w0 = r * k, w1 = w0 + k, w2 = w1 + k, w3 = w2 + k, w4 = w3 + k, w5 = w4 + k, w6 = w5 + k, w7 = w6 + k;
        int a0 = p * PANEL * k, a1 = a0 + PANEL * k, a2 = a1 + PANEL * k;
        FloatVector c00, c01, c02, c10, c11, c12, c20, c21, c22, c30, c31, c32;
        FloatVector c40, c41, c42, c50, c51, c52, c60, c61, c62, c70, c71, c72;
        if (!resume) {
            c00 = FloatVector.zero(S); c01 = c00; c02 = c00; c10 = c00; c11 = c00; c12 = c00;
            c20 = c00; c21 = c00; c22 = c00; c30 = c00; c31 = c00; c32 = c00;
            c40 = c00; c41 = c00; c42 = c00; c50 = c00; c51 = c00; c52 = c00;
            c60 = c00; c61 = c00; c62 = c00; c70 = c00; c71 = c00; c72 = c00;
        } else {
            c00 = FloatVector.fromArray(S, acc, o); c01 = FloatVector.fromArray(S, acc, o + 16); c02 = FloatVector.fromArray(S, acc, o + 32);
            c10 = FloatVector.fromArray(S, acc, o + rs); c11 = FloatVector.fromArray(S, acc, o + rs + 16); c12 = FloatVector.fromArray(S, acc, o + rs + 32);
            c20 = FloatVector.fromArray(S, acc, o + 2 * rs); c21 = FloatVector.fromArray(S, acc, o + 2 * rs + 16); c22 = FloatVector.fromArray(S, acc, o + 2 * rs + 32);
            c30 = FloatVector.fromArray(S, acc, o + 3 * rs); c31 = FloatVector.fromArray(S, acc, o + 3 * rs + 16); c32 = FloatVector.fromArray(S, acc, o + 3 * rs + 32);
            c40 = FloatVector.fromArray(S, acc, o + 4 * rs); c41 = FloatVector.fromArray(S, acc, o + 4 * rs + 16); c42 = FloatVector.fromArray(S, acc, o + 4 * rs + 32);
            c50 = FloatVector.fromArray(S, acc, o + 5 * rs); c51 = FloatVector.fromArray(S, acc, o + 5 * rs + 16); c52 = FloatVector.fromArray(S, acc, o + 5 * rs + 32);
            c60 = FloatVector.fromArray(S, acc, o + 6 * rs); c61 = FloatVector.fromArray(S, acc, o + 6 * rs + 16); c62 = FloatVector.fromArray(S, acc, o + 6 * rs + 32);
            c70 = FloatVector.fromArray(S, acc, o + 7 * rs); c71 = FloatVector.fromArray(S, acc, o + 7 * rs + 16); c72 = FloatVector.fromArray(S, acc, o + 7 * rs + 32);
        }
        for (int i = k0; i < k1; i++) {
            FloatVector x0 = FloatVector.fromArray(S, packed, a0 + PANEL * i);
            FloatVector x1 = FloatVector.fromArray(S, packed, a1 + PANEL * i);
            FloatVector x2 = FloatVector.fromArray(S, packed, a2 + PANEL * i);
            FloatVector v = FloatVector.broadcast(S, w[w0 + i]);
            c00 = x0.fma(v, c00); c01 = x1.fma(v, c01); c02 = x2.fma(v, c02);
            v = FloatVector.broadcast(S, w[w1 + i]);
            c10 = x0.fma(v, c10); c11 = x1.fma(v, c11); c12 = x2.fma(v, c12);
            v = FloatVector.broadcast(S, w[w2 + i]);
            c20 = x0.fma(v, c20); c21 = x1.fma(v, c21); c22 = x2.fma(v, c22);
            v = FloatVector.broadcast(S, w[w3 + i]);
            c30 = x0.fma(v, c30); c31 = x1.fma(v, c31); c32 = x2.fma(v, c32);
            v = FloatVector.broadcast(S, w[w4 + i]);
            c40 = x0.fma(v, c40); c41 = x1.fma(v, c41); c42 = x2.fma(v, c42);
            v = FloatVector.broadcast(S, w[w5 + i]);
            c50 = x0.fma(v, c50); c51 = x1.fma(v, c51); c52 = x2.fma(v, c52);
            v = FloatVector.broadcast(S, w[w6 + i]);
            c60 = x0.fma(v, c60); c61 = x1.fma(v, c61); c62 = x2.fma(v, c62);
            v = FloatVector.broadcast(S, w[w7 + i]);
            c70 = x0.fma(v, c70); c71 = x1.fma(v, c71); c72 = x2.fma(v, c72);
        }
        c00.intoArray(acc, o); c01.intoArray(acc, o + 16); c02.intoArray(acc, o + 32);
        c10.intoArray(acc, o + rs); c11.intoArray(acc, o + rs + 16); c12.intoArray(acc, o + rs + 32);
        c20.intoArray(acc, o + 2 * rs); c21.intoArray(acc, o + 2 * rs + 16); c22.intoArray(acc, o + 2 * rs + 32);
        c30.intoArray(acc, o + 3 * rs); c31.intoArray(acc, o + 3 * rs + 16); c32.intoArray(acc, o + 3 * rs + 32);
        c40.intoArray(acc, o + 4 * rs); c41.intoArray(acc, o + 4 * rs + 16); c42.intoArray(acc, o + 4 * rs + 32);
        c50.intoArray(acc, o + 5 * rs); c51.intoArray(acc, o + 5 * rs + 16); c52.intoArray(acc, o + 5 * rs + 32);
        c60.intoArray(acc, o + 6 * rs); c61.intoArray(acc, o + 6 * rs + 16); c62.intoArray(acc, o + 6 * rs + 32);
        c70.intoArray(acc, o + 7 * rs); c71.intoArray(acc, o + 7 * rs + 16); c72.intoArray(acc, o + 7 * rs + 32);
    }

    /** Rows r..r+7 × panels p, p+1 (two panels left over after groups of three); accumulators as {@link #kernel8x3}'s. */
    static void kernel8x2(float[] w, int r, float[] packed, int p, int k0, int k1, int k, float[] acc, int o, int rs, boolean resume) {
        int w0 = r * k, w1 = w0 + k, w2 = w1 + k, w3 = w2 + k, w4 = w3 + k, w5 = w4 + k, w6 = w5 + k, w7 = w6 + k;
        int a0 = p * PANEL * k, a1 = a0 + PANEL * k;
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        if (!resume) {
            c00 = FloatVector.zero(S); c01 = c00; c10 = c00; c11 = c00; c20 = c00; c21 = c00; c30 = c00; c31 = c00;
            c40 = c00; c41 = c00; c50 = c00; c51 = c00; c60 = c00; c61 = c00; c70 = c00; c71 = c00;
        } else {
            c00 = FloatVector.fromArray(S, acc, o); c01 = FloatVector.fromArray(S, acc, o + 16);
            c10 = FloatVector.fromArray(S, acc, o + rs); c11 = FloatVector.fromArray(S, acc, o + rs + 16);
            c20 = FloatVector.fromArray(S, acc, o + 2 * rs); c21 = FloatVector.fromArray(S, acc, o + 2 * rs + 16);
            c30 = FloatVector.fromArray(S, acc, o + 3 * rs); c31 = FloatVector.fromArray(S, acc, o + 3 * rs + 16);
            c40 = FloatVector.fromArray(S, acc, o + 4 * rs); c41 = FloatVector.fromArray(S, acc, o + 4 * rs + 16);
            c50 = FloatVector.fromArray(S, acc, o + 5 * rs); c51 = FloatVector.fromArray(S, acc, o + 5 * rs + 16);
            c60 = FloatVector.fromArray(S, acc, o + 6 * rs); c61 = FloatVector.fromArray(S, acc, o + 6 * rs + 16);
            c70 = FloatVector.fromArray(S, acc, o + 7 * rs); c71 = FloatVector.fromArray(S, acc, o + 7 * rs + 16);
        }
        for (int i = k0; i < k1; i++) {
            FloatVector x0 = FloatVector.fromArray(S, packed, a0 + PANEL * i);
            FloatVector x1 = FloatVector.fromArray(S, packed, a1 + PANEL * i);
            FloatVector v = FloatVector.broadcast(S, w[w0 + i]);
            c00 = x0.fma(v, c00); c01 = x1.fma(v, c01);
            v = FloatVector.broadcast(S, w[w1 + i]);
            c10 = x0.fma(v, c10); c11 = x1.fma(v, c11);
            v = FloatVector.broadcast(S, w[w2 + i]);
            c20 = x0.fma(v, c20); c21 = x1.fma(v, c21);
            v = FloatVector.broadcast(S, w[w3 + i]);
            c30 = x0.fma(v, c30); c31 = x1.fma(v, c31);
            v = FloatVector.broadcast(S, w[w4 + i]);
            c40 = x0.fma(v, c40); c41 = x1.fma(v, c41);
            v = FloatVector.broadcast(S, w[w5 + i]);
            c50 = x0.fma(v, c50); c51 = x1.fma(v, c51);
            v = FloatVector.broadcast(S, w[w6 + i]);
            c60 = x0.fma(v, c60); c61 = x1.fma(v, c61);
            v = FloatVector.broadcast(S, w[w7 + i]);
            c70 = x0.fma(v, c70); c71 = x1.fma(v, c71);
        }
        c00.intoArray(acc, o); c01.intoArray(acc, o + 16);
        c10.intoArray(acc, o + rs); c11.intoArray(acc, o + rs + 16);
        c20.intoArray(acc, o + 2 * rs); c21.intoArray(acc, o + 2 * rs + 16);
        c30.intoArray(acc, o + 3 * rs); c31.intoArray(acc, o + 3 * rs + 16);
        c40.intoArray(acc, o + 4 * rs); c41.intoArray(acc, o + 4 * rs + 16);
        c50.intoArray(acc, o + 5 * rs); c51.intoArray(acc, o + 5 * rs + 16);
        c60.intoArray(acc, o + 6 * rs); c61.intoArray(acc, o + 6 * rs + 16);
        c70.intoArray(acc, o + 7 * rs); c71.intoArray(acc, o + 7 * rs + 16);
    }

    /** Rows r..r+7 × panel p (one panel left over); the accumulator of row r+i at {@code o + rs·i}. */
    static void kernel8x1(float[] w, int r, float[] packed, int p, int k0, int k1, int k, float[] acc, int o, int rs, boolean resume) {
        int w0 = r * k, w1 = w0 + k, w2 = w1 + k, w3 = w2 + k, w4 = w3 + k, w5 = w4 + k, w6 = w5 + k, w7 = w6 + k;
        int a0 = p * PANEL * k;
        FloatVector c0, c1, c2, c3, c4, c5, c6, c7;
        if (!resume) {
            c0 = FloatVector.zero(S); c1 = c0; c2 = c0; c3 = c0; c4 = c0; c5 = c0; c6 = c0; c7 = c0;
        } else {
            c0 = FloatVector.fromArray(S, acc, o); c1 = FloatVector.fromArray(S, acc, o + rs);
            c2 = FloatVector.fromArray(S, acc, o + 2 * rs); c3 = FloatVector.fromArray(S, acc, o + 3 * rs);
            c4 = FloatVector.fromArray(S, acc, o + 4 * rs); c5 = FloatVector.fromArray(S, acc, o + 5 * rs);
            c6 = FloatVector.fromArray(S, acc, o + 6 * rs); c7 = FloatVector.fromArray(S, acc, o + 7 * rs);
        }
        for (int i = k0; i < k1; i++) {
            FloatVector x = FloatVector.fromArray(S, packed, a0 + PANEL * i);
            c0 = x.fma(FloatVector.broadcast(S, w[w0 + i]), c0);
            c1 = x.fma(FloatVector.broadcast(S, w[w1 + i]), c1);
            c2 = x.fma(FloatVector.broadcast(S, w[w2 + i]), c2);
            c3 = x.fma(FloatVector.broadcast(S, w[w3 + i]), c3);
            c4 = x.fma(FloatVector.broadcast(S, w[w4 + i]), c4);
            c5 = x.fma(FloatVector.broadcast(S, w[w5 + i]), c5);
            c6 = x.fma(FloatVector.broadcast(S, w[w6 + i]), c6);
            c7 = x.fma(FloatVector.broadcast(S, w[w7 + i]), c7);
        }
        c0.intoArray(acc, o); c1.intoArray(acc, o + rs); c2.intoArray(acc, o + 2 * rs); c3.intoArray(acc, o + 3 * rs);
        c4.intoArray(acc, o + 4 * rs); c5.intoArray(acc, o + 5 * rs); c6.intoArray(acc, o + 6 * rs); c7.intoArray(acc, o + 7 * rs);
    }
}

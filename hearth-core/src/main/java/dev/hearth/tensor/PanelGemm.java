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
 * <p>Register blocking: 7 weight rows × 3 panels (48 tokens) = 21 accumulators; per k, 3 vector loads
 * and 7 broadcasts feed 21 FMAs. The weight rows are first copied into groups of 7 ({@link #group}) so
 * that the 7 broadcasts of one k sit at one index. Cache blocking: k in chunks of {@link #KC}, so that
 * three panels' chunk stays in L1 while every group of the block's rows passes over it, and blocks of
 * many rows (MatMul's), so that each panel comes from L3 once per block. A row-wise kernel, which
 * quantized weights used before, needs a 16-lane reduction per output and a full vector load per
 * weight row and token; on one Zen 5 core it ran at 100-110 GFLOP/s where this ran at 240 (peak ~270).
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

    /**
     * Weight rows of one register block: 7 rows × 3 panels = 21 accumulators, and with the 3 panel vectors and the 7
     * rows' broadcast weights 31 of the 32 vector registers, so C2 keeps every value of the loop in a register however
     * it orders the loads. With 8 rows (24 + 3 + 8) it hoisted the broadcasts and spilled four accumulators to the stack,
     * unless each row had its own base index, whose 8 address computations (and the stack reloads of those bases) then
     * took issue slots on the FMA ports (Intel Xeon VM, one core, 56 rows × 48 tokens × 128 in L1, alternating in
     * one process: 8 rows apart 123 GFLOP/s, 7 rows grouped 167, FMA peak 150-175).
     */
    static final int ROWS = 7;

    static int groups(int rows) {
        return (rows + ROWS - 1) / ROWS;
    }

    /** Floats {@link #group} writes for {@code rows} rows of length {@code k}. */
    static int groupedLength(int rows, int k) {
        return groups(rows) * ROWS * k;
    }

    /**
     * Weight rows {@code [0, rows)} of {@code w} (row r at {@code r·k}, k a multiple of 16) in groups of 7, 16 values
     * at a time, by {@link #groupRow}, and the rows past the last zeroed.
     */
    static void group(float[] w, int rows, int k, float[] dst) {
        for (int r = 0; r < rows; r++) groupRow(w, r * k, r, k, dst);
        zeroRowsFrom(rows, k, dst);
    }

    /**
     * Row r ({@code k} floats at {@code row[rowOffset ..]}, k a multiple of 16) into its place among grouped rows: the
     * 16 values from i = 16b of row 7g + j at {@code dst[7k·g + 112b + 16j]}. A kernel's 7 broadcasts of one k then
     * sit at one index plus constants (64 bytes apart), and grouping is a copy of whole vectors (interleaving the 7
     * rows value by value, 32 bytes per k, took three stages of two-vector selections per 128 floats: 5.6% of a 1B
     * Q4_0 pp512's JFR samples).
     */
    static void groupRow(float[] row, int rowOffset, int r, int k, float[] dst) {
        for (int i = 0, o = groupedStart(r, k); i < k; i += PANEL, o += ROWS * PANEL)
            FloatVector.fromArray(S, row, rowOffset + i).intoArray(dst, o);
    }

    /** Zeroes the grouped rows from {@code rows} to the end of their group (computed by the kernels, never read). */
    static void zeroRowsFrom(int rows, int k, float[] dst) {
        FloatVector zero = FloatVector.zero(S);
        for (int r = rows; r < groups(rows) * ROWS; r++)
            for (int i = 0, o = groupedStart(r, k); i < k; i += PANEL, o += ROWS * PANEL) zero.intoArray(dst, o);
    }

    /** Where row r's first 16 values go among grouped rows; each next 16 lie {@code 7·16} floats further. */
    private static int groupedStart(int r, int k) {
        return ROWS * k * (r / ROWS) + PANEL * (r % ROWS);
    }

    /**
     * Scratch floats {@link #multiply} needs: one 16-lane accumulator per (row, panel) for the rows rounded up to whole
     * groups, rows {@link #rowStride} apart.
     */
    static int scratchLength(int rows, int tokens) {
        return groups(rows) * ROWS * rowStride(tokens);
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
     * k is cut in chunks of this many: three panels' chunk (24 KB) stays in L1 while all the groups of rows pass over
     * it, and only the weights' chunk (3.5 KB a group) comes from L2 per kernel call. With chunks of 2048 the panels
     * (384 KB) came from L2 for every group, 192 bytes per 21 FMAs (Intel Xeon VM, one core, 224 rows × 528 tokens ×
     * 2048, alternating in one process: 128 a chunk 151 GFLOP/s, 256 138, 2048 128). Accumulators are saved between
     * chunks and the FMA chains resume, so the sums are the same to the bit for any chunk size.
     */
    static final int KC = 128;

    /**
     * Weight rows {@code [0, rows)}, grouped by {@link #group} into {@code w}, times the {@code tokens} packed
     * activations; the result for (t, r) goes to {@code y[t·ldy + yOffset + r]}. {@code k} is a multiple of 16 (the
     * kernels walk it 16 at a time); {@code acc} is scratch of at least {@link #scratchLength} floats.
     */
    static void multiply(float[] w, int rows, float[] packed, int tokens, int k, float[] y, int yOffset, int ldy, float[] acc) {
        multiply(null, k, w, rows, packed, tokens, k, y, yOffset, ldy, acc);
    }

    /** Writes a block's weight columns {@code [c0, c1)}, decoded, into a grouped buffer as {@link #group} would rows of length c1 - c0. */
    @FunctionalInterface
    interface Columns {
        void decode(int c0, int c1, float[] grouped);
    }

    /**
     * Columns of weights {@link #multiply} decodes at a time when it decodes them itself: a block's 224 rows × 256 floats
     * (229 KB) stay in L2 until the kernels have read them. Decoded whole (224 × 8192 floats, 7 MB for ffn_down), they went
     * out to L3 and came back: the stores of that decoding took 4.7% of a 1B Q4_K_M pp512's samples after warm-up
     * (async-profiler, where the decoding itself took 1.5%), by chunks 2.3%. 256: the K-quants' block.
     */
    static final int DECODE_COLUMNS = 256;

    /**
     * {@link #multiply}, the weights decoded {@code chunk} columns at a time by {@code columns} into {@code w} as the k loop
     * reaches them ({@code columns} null: all of k already grouped in {@code w}, chunk = k). Each output's FMA chain runs
     * in k order across chunks as across {@link #KC}'s, so the sums are the same to the bit.
     */
    static void multiply(Columns columns, int chunk, float[] w, int rows, float[] packed, int tokens, int k, float[] y, int yOffset, int ldy, float[] acc) {
        if (k % PANEL != 0) throw new IllegalArgumentException("row length " + k + " is not a multiple of " + PANEL);
        int np = panels(tokens), ng = groups(rows);
        // accumulator (row r, panel p) lives at acc[rs·r + 16p]; a group's rows past the last are computed (zero weights), never read
        int rs = rowStride(tokens), gs = ROWS * rs;
        for (int c0 = 0; c0 < k; c0 += chunk) {
            int c1 = Math.min(k, c0 + chunk);
            if (columns != null) columns.decode(c0, c1, w);
            // group g of the chunk starts at 7(c1 - c0)·g; the kernels index by absolute k, 112 floats per 16 of it, hence - 7c0
            int gk = ROWS * (c1 - c0), back = ROWS * c0;
            for (int k0 = c0; k0 < c1; k0 += KC) {
                int k1 = Math.min(c1, k0 + KC);
                boolean resume = k0 > 0;
                int p = 0;
                for (; p + 3 <= np; p += 3)
                    for (int g = 0; g < ng; g++) kernel7x3(w, gk * g - back, packed, p, k0, k1, k, acc, gs * g + p * PANEL, rs, resume);
                if (p + 2 <= np) {
                    for (int g = 0; g < ng; g++) kernel7x2(w, gk * g - back, packed, p, k0, k1, k, acc, gs * g + p * PANEL, rs, resume);
                    p += 2;
                }
                for (; p < np; p++)
                    for (int g = 0; g < ng; g++) kernel7x1(w, gk * g - back, packed, p, k0, k1, k, acc, gs * g + p * PANEL, rs, resume);
            }
        }
        writeTokenMajor(acc, rs, rows, 0, tokens, y, yOffset, ldy);
    }

    /**
     * {@code y[t·ldy + yOffset + r] = acc[r·rs + t - t0]} for rows [0, rows) and tokens [t0, t1), t0 a multiple of
     * {@link #PANEL}: a GEMM's accumulators (row-major, a panel's 16 tokens side by side) written out token-major, so each
     * token's outputs are one run (row-major touched one page per token per row). 16 rows × a full panel's 16 tokens at a
     * time are transposed in registers ({@link Transpose#of16}), the rest go element by element (1B Q4_0 pp512, JFR: element
     * by element this took 3.6% of the samples, by tiles 3.0%, mostly the tiles' loads; FloatGemm's, 1B F16: 5.5% and 3.8%).
     */
    static void writeTokenMajor(float[] acc, int rs, int rows, int t0, int t1, float[] y, int yOffset, int ldy) {
        int rows16 = rows - rows % 16, fullEnd = t1 - (t1 - t0) % PANEL;
        for (int t = t0; t < fullEnd; t += PANEL)
            for (int r = 0; r < rows16; r += 16) Transpose.of16(acc, r * rs + t - t0, rs, y, t * ldy + yOffset + r, ldy);
        for (int t = t0; t < t1; t++)
            for (int r = t < fullEnd ? rows16 : 0, o = t * ldy + yOffset; r < rows; r++) y[o + r] = acc[r * rs + t - t0];
    }

    /**
     * Accumulators of the 7 rows of one group × panels p..p+2 over k in [k0, k1), resumed from (when {@code resume}) and
     * saved to {@code acc}: the one of the group's row i, panel p+q at {@code o + rs·i + 16q}. The group's grouped
     * weights start at {@code w[wg]} ({@link #group}); k0 and k1 are multiples of 16.
     */
    static void kernel7x3(float[] w, int wg, float[] packed, int p, int k0, int k1, int k, float[] acc, int o, int rs, boolean resume) {
        int a0 = p * PANEL * k, a1 = a0 + PANEL * k, a2 = a1 + PANEL * k;
        FloatVector c00, c01, c02, c10, c11, c12, c20, c21, c22, c30, c31, c32;
        FloatVector c40, c41, c42, c50, c51, c52, c60, c61, c62;
        if (!resume) {
            c00 = FloatVector.zero(S); c01 = c00; c02 = c00; c10 = c00; c11 = c00; c12 = c00; c20 = c00; c21 = c00;
            c22 = c00; c30 = c00; c31 = c00; c32 = c00; c40 = c00; c41 = c00; c42 = c00; c50 = c00; c51 = c00; c52 = c00;
            c60 = c00; c61 = c00; c62 = c00;
        } else {
            c00 = FloatVector.fromArray(S, acc, o); c01 = FloatVector.fromArray(S, acc, o + 16); c02 = FloatVector.fromArray(S, acc, o + 32);
            c10 = FloatVector.fromArray(S, acc, o + rs); c11 = FloatVector.fromArray(S, acc, o + rs + 16); c12 = FloatVector.fromArray(S, acc, o + rs + 32);
            c20 = FloatVector.fromArray(S, acc, o + 2 * rs); c21 = FloatVector.fromArray(S, acc, o + 2 * rs + 16); c22 = FloatVector.fromArray(S, acc, o + 2 * rs + 32);
            c30 = FloatVector.fromArray(S, acc, o + 3 * rs); c31 = FloatVector.fromArray(S, acc, o + 3 * rs + 16); c32 = FloatVector.fromArray(S, acc, o + 3 * rs + 32);
            c40 = FloatVector.fromArray(S, acc, o + 4 * rs); c41 = FloatVector.fromArray(S, acc, o + 4 * rs + 16); c42 = FloatVector.fromArray(S, acc, o + 4 * rs + 32);
            c50 = FloatVector.fromArray(S, acc, o + 5 * rs); c51 = FloatVector.fromArray(S, acc, o + 5 * rs + 16); c52 = FloatVector.fromArray(S, acc, o + 5 * rs + 32);
            c60 = FloatVector.fromArray(S, acc, o + 6 * rs); c61 = FloatVector.fromArray(S, acc, o + 6 * rs + 16); c62 = FloatVector.fromArray(S, acc, o + 6 * rs + 32);
        }
        for (int b = k0 / PANEL; b < k1 / PANEL; b++)
            for (int ii = 0; ii < PANEL; ii++) {
                int i = PANEL * b + ii, wi = wg + ROWS * PANEL * b + ii;
                FloatVector x0 = FloatVector.fromArray(S, packed, a0 + PANEL * i);
                FloatVector x1 = FloatVector.fromArray(S, packed, a1 + PANEL * i);
                FloatVector x2 = FloatVector.fromArray(S, packed, a2 + PANEL * i);
                FloatVector v0 = FloatVector.broadcast(S, w[wi]);
                c00 = x0.fma(v0, c00); c01 = x1.fma(v0, c01); c02 = x2.fma(v0, c02);
                FloatVector v1 = FloatVector.broadcast(S, w[wi + 16]);
                c10 = x0.fma(v1, c10); c11 = x1.fma(v1, c11); c12 = x2.fma(v1, c12);
                FloatVector v2 = FloatVector.broadcast(S, w[wi + 32]);
                c20 = x0.fma(v2, c20); c21 = x1.fma(v2, c21); c22 = x2.fma(v2, c22);
                FloatVector v3 = FloatVector.broadcast(S, w[wi + 48]);
                c30 = x0.fma(v3, c30); c31 = x1.fma(v3, c31); c32 = x2.fma(v3, c32);
                FloatVector v4 = FloatVector.broadcast(S, w[wi + 64]);
                c40 = x0.fma(v4, c40); c41 = x1.fma(v4, c41); c42 = x2.fma(v4, c42);
                FloatVector v5 = FloatVector.broadcast(S, w[wi + 80]);
                c50 = x0.fma(v5, c50); c51 = x1.fma(v5, c51); c52 = x2.fma(v5, c52);
                FloatVector v6 = FloatVector.broadcast(S, w[wi + 96]);
                c60 = x0.fma(v6, c60); c61 = x1.fma(v6, c61); c62 = x2.fma(v6, c62);
            }
        c00.intoArray(acc, o); c01.intoArray(acc, o + 16); c02.intoArray(acc, o + 32);
        c10.intoArray(acc, o + rs); c11.intoArray(acc, o + rs + 16); c12.intoArray(acc, o + rs + 32);
        c20.intoArray(acc, o + 2 * rs); c21.intoArray(acc, o + 2 * rs + 16); c22.intoArray(acc, o + 2 * rs + 32);
        c30.intoArray(acc, o + 3 * rs); c31.intoArray(acc, o + 3 * rs + 16); c32.intoArray(acc, o + 3 * rs + 32);
        c40.intoArray(acc, o + 4 * rs); c41.intoArray(acc, o + 4 * rs + 16); c42.intoArray(acc, o + 4 * rs + 32);
        c50.intoArray(acc, o + 5 * rs); c51.intoArray(acc, o + 5 * rs + 16); c52.intoArray(acc, o + 5 * rs + 32);
        c60.intoArray(acc, o + 6 * rs); c61.intoArray(acc, o + 6 * rs + 16); c62.intoArray(acc, o + 6 * rs + 32);
    }

    /** Rows of one group × panels p, p+1 (two panels left over after groups of three); as {@link #kernel7x3}. */
    static void kernel7x2(float[] w, int wg, float[] packed, int p, int k0, int k1, int k, float[] acc, int o, int rs, boolean resume) {
        int a0 = p * PANEL * k, a1 = a0 + PANEL * k;
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        FloatVector c60, c61;
        if (!resume) {
            c00 = FloatVector.zero(S); c01 = c00; c10 = c00; c11 = c00; c20 = c00; c21 = c00; c30 = c00; c31 = c00;
            c40 = c00; c41 = c00; c50 = c00; c51 = c00; c60 = c00; c61 = c00;
        } else {
            c00 = FloatVector.fromArray(S, acc, o); c01 = FloatVector.fromArray(S, acc, o + 16);
            c10 = FloatVector.fromArray(S, acc, o + rs); c11 = FloatVector.fromArray(S, acc, o + rs + 16);
            c20 = FloatVector.fromArray(S, acc, o + 2 * rs); c21 = FloatVector.fromArray(S, acc, o + 2 * rs + 16);
            c30 = FloatVector.fromArray(S, acc, o + 3 * rs); c31 = FloatVector.fromArray(S, acc, o + 3 * rs + 16);
            c40 = FloatVector.fromArray(S, acc, o + 4 * rs); c41 = FloatVector.fromArray(S, acc, o + 4 * rs + 16);
            c50 = FloatVector.fromArray(S, acc, o + 5 * rs); c51 = FloatVector.fromArray(S, acc, o + 5 * rs + 16);
            c60 = FloatVector.fromArray(S, acc, o + 6 * rs); c61 = FloatVector.fromArray(S, acc, o + 6 * rs + 16);
        }
        for (int b = k0 / PANEL; b < k1 / PANEL; b++)
            for (int ii = 0; ii < PANEL; ii++) {
                int i = PANEL * b + ii, wi = wg + ROWS * PANEL * b + ii;
                FloatVector x0 = FloatVector.fromArray(S, packed, a0 + PANEL * i);
                FloatVector x1 = FloatVector.fromArray(S, packed, a1 + PANEL * i);
                FloatVector v0 = FloatVector.broadcast(S, w[wi]);
                c00 = x0.fma(v0, c00); c01 = x1.fma(v0, c01);
                FloatVector v1 = FloatVector.broadcast(S, w[wi + 16]);
                c10 = x0.fma(v1, c10); c11 = x1.fma(v1, c11);
                FloatVector v2 = FloatVector.broadcast(S, w[wi + 32]);
                c20 = x0.fma(v2, c20); c21 = x1.fma(v2, c21);
                FloatVector v3 = FloatVector.broadcast(S, w[wi + 48]);
                c30 = x0.fma(v3, c30); c31 = x1.fma(v3, c31);
                FloatVector v4 = FloatVector.broadcast(S, w[wi + 64]);
                c40 = x0.fma(v4, c40); c41 = x1.fma(v4, c41);
                FloatVector v5 = FloatVector.broadcast(S, w[wi + 80]);
                c50 = x0.fma(v5, c50); c51 = x1.fma(v5, c51);
                FloatVector v6 = FloatVector.broadcast(S, w[wi + 96]);
                c60 = x0.fma(v6, c60); c61 = x1.fma(v6, c61);
            }
        c00.intoArray(acc, o); c01.intoArray(acc, o + 16);
        c10.intoArray(acc, o + rs); c11.intoArray(acc, o + rs + 16);
        c20.intoArray(acc, o + 2 * rs); c21.intoArray(acc, o + 2 * rs + 16);
        c30.intoArray(acc, o + 3 * rs); c31.intoArray(acc, o + 3 * rs + 16);
        c40.intoArray(acc, o + 4 * rs); c41.intoArray(acc, o + 4 * rs + 16);
        c50.intoArray(acc, o + 5 * rs); c51.intoArray(acc, o + 5 * rs + 16);
        c60.intoArray(acc, o + 6 * rs); c61.intoArray(acc, o + 6 * rs + 16);
    }

    /** Rows of one group × panel p (one panel left over); as {@link #kernel7x3}. */
    static void kernel7x1(float[] w, int wg, float[] packed, int p, int k0, int k1, int k, float[] acc, int o, int rs, boolean resume) {
        int a0 = p * PANEL * k;
        FloatVector c00, c10, c20, c30, c40, c50, c60;
        if (!resume) {
            c00 = FloatVector.zero(S); c10 = c00; c20 = c00; c30 = c00; c40 = c00; c50 = c00; c60 = c00;
        } else {
            c00 = FloatVector.fromArray(S, acc, o);
            c10 = FloatVector.fromArray(S, acc, o + rs);
            c20 = FloatVector.fromArray(S, acc, o + 2 * rs);
            c30 = FloatVector.fromArray(S, acc, o + 3 * rs);
            c40 = FloatVector.fromArray(S, acc, o + 4 * rs);
            c50 = FloatVector.fromArray(S, acc, o + 5 * rs);
            c60 = FloatVector.fromArray(S, acc, o + 6 * rs);
        }
        for (int b = k0 / PANEL; b < k1 / PANEL; b++)
            for (int ii = 0; ii < PANEL; ii++) {
                int i = PANEL * b + ii, wi = wg + ROWS * PANEL * b + ii;
                FloatVector x0 = FloatVector.fromArray(S, packed, a0 + PANEL * i);
                FloatVector v0 = FloatVector.broadcast(S, w[wi]);
                c00 = x0.fma(v0, c00);
                FloatVector v1 = FloatVector.broadcast(S, w[wi + 16]);
                c10 = x0.fma(v1, c10);
                FloatVector v2 = FloatVector.broadcast(S, w[wi + 32]);
                c20 = x0.fma(v2, c20);
                FloatVector v3 = FloatVector.broadcast(S, w[wi + 48]);
                c30 = x0.fma(v3, c30);
                FloatVector v4 = FloatVector.broadcast(S, w[wi + 64]);
                c40 = x0.fma(v4, c40);
                FloatVector v5 = FloatVector.broadcast(S, w[wi + 80]);
                c50 = x0.fma(v5, c50);
                FloatVector v6 = FloatVector.broadcast(S, w[wi + 96]);
                c60 = x0.fma(v6, c60);
            }
        c00.intoArray(acc, o);
        c10.intoArray(acc, o + rs);
        c20.intoArray(acc, o + 2 * rs);
        c30.intoArray(acc, o + 3 * rs);
        c40.intoArray(acc, o + 4 * rs);
        c50.intoArray(acc, o + 5 * rs);
        c60.intoArray(acc, o + 6 * rs);
    }
}

package dev.hearth.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The compute-bound half of prompt processing for F32/F16/BF16 weights (quantized ones use
 * {@link PanelGemm} alone): {@code y[t][r] = Σ_k w[r][k] · a[t][k]}, summed in tinyBLAS's order so that
 * those products match llama.cpp's x86 build (ggml-cpu/llamafile/sgemm.cpp) to the bit.
 *
 * <p>That order: each output is one 16-lane accumulator, lane j summing elements j, j+16, j+32, … by FMA
 * in k order, then the 16 lanes reduced by the tree of GCC's {@code _mm512_reduce_add_ps}
 * ({@link LaneSum}). So an output is 16 independent FMA chains, chain j over the "residue" k ≡ j (mod 16),
 * and the chains need not run side by side in one vector. Here they run in kernels over {@link PanelGemm}'s
 * panels, one lane per token: both operands have their k reordered <em>residue-major</em> within chunks
 * of {@link #KC} ({@link #permute}: elements j, j+16, … of the chunk first, then j+1's …), so that chain
 * j of a chunk is a contiguous run of k, and the kernel over that run (8 weight rows × 3 panels
 * of 16 tokens, broadcast weights, sequential operands) leaves chain j's 16 tokens in one vector. The 16
 * chain vectors of a (row, panel) are then added by LaneSum's tree lane-wise (vertical adds of 16
 * tokens at once, no horizontal reduction), which gives each token the value LaneSum gives: bit for bit
 * {@link #dot} (FloatGemmTest), however tiles, panels and chunks fall.
 *
 * <p>Why not the row-wise kernel (a vector of 16 k per weight row and token, 4 rows × 5 tokens per tile)
 * that ran here before: it needs a full vector load per weight row and per token, and on a Java heap
 * array those 64-byte loads mostly straddle two cache lines (the data starts 16 bytes into the object);
 * on one Zen 5 core it ran at ~145 GFLOP/s for k = 2048 (64 rows) and ~90 for k = 8192 (16 rows), where
 * this runs at ~220 (measured with the same 512 tokens, one thread, outputs identical). Small batches
 * still take it ({@link FloatRowGemm}).
 */
final class FloatGemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    private static final int L = S.length();
    private static final int PANEL = PanelGemm.PANEL;

    private FloatGemm() {}

    /**
     * Batches from this many tokens take this GEMM; smaller ones {@link FloatRowGemm} (1B F16, one thread,
     * alternating runs: pp8 14 against 20 tokens/s there, pp16 about even, pp24 38 against 36, pp32 50
     * against 40).
     */
    static final int MIN_TOKENS = 24;

    /**
     * k is reordered residue-major within chunks of this many (the last one may be shorter), and the GEMM
     * walks k chunk by chunk, resuming the 16 chains from saved accumulators: a chunk of 48 tokens' panels
     * (384 KB) and of the weight block stay in L2 while the rows are swept, as in PanelGemm.
     */
    static final int KC = 2048;

    /** The run of reordered k that holds chain j of the chunk starting at c0: {@code [c0 + j·m, c0 + (j+1)·m)}, m = chunk / 16. */
    private static int chunkResidues(int k, int c0) {
        return Math.min(KC, k - c0) / L;
    }

    /**
     * {@code dst[dstOffset ..]} = the {@code k} floats at {@code src[srcOffset ..]} reordered residue-major
     * within chunks of {@link #KC}: element {@code c0 + 16i + j} of a chunk goes to {@code c0 + j·m + i}.
     * {@code k} must be a multiple of 16. Every weight row of a prompt GEMM goes through this, so chunks of
     * a multiple of 256 (every one of a 2048- or 8192-wide row) are transposed 16×16 at a time in vector
     * registers (2.5-3× the scalar loop, which cost ~5% of a 512-token GEMM).
     */
    static void permute(float[] src, int srcOffset, int k, float[] dst, int dstOffset) {
        for (int c0 = 0; c0 < k; c0 += KC) {
            int m = chunkResidues(k, c0), s = srcOffset + c0, d = dstOffset + c0;
            if (m % L == 0) {
                for (int i = 0; i < m; i += L) Transpose.of16(src, s + L * i, L, dst, d + i, m);
            } else {
                for (int j = 0; j < L; j++)
                    for (int i = 0; i < m; i++) dst[d + j * m + i] = src[s + L * i + j];
            }
        }
    }

    /**
     * Writes activation row {@code t} ({@code k} floats at {@code row[rowOffset ..]}) into its lane of
     * PanelGemm's panels, k reordered as {@link #permute} does ({@link PanelGemm#padLastPanel} zeroes the
     * unused lanes as it does there).
     */
    static void pack(float[] row, int rowOffset, int t, int k, float[] packed) {
        int base = (t / PANEL) * PANEL * k + t % PANEL;
        for (int c0 = 0; c0 < k; c0 += KC) {
            int m = chunkResidues(k, c0), s = rowOffset + c0;
            for (int j = 0; j < L; j++)
                for (int i = 0, d = base + PANEL * (c0 + j * m); i < m; i++) packed[d + PANEL * i] = row[s + L * i + j];
        }
    }

    /**
     * Accumulators of one group of up to 3 panels: chain j of row r, panel q (of the group) at
     * {@code 784r + 16·(3j + q)} (the panels of one chain side by side, as PanelGemm's kernels store them). A row's
     * 768 floats are padded by 16 so that the 64 rows' values of one token, which {@link #multiply} reads out
     * together, do not fall in 4 L1 sets (3 KB apart they did): 1B F16 pp512 175-180 t/s without, 182 with.
     */
    private static final int ROW_STRIDE = L * 3 * PANEL + 16, CHAIN_STRIDE = 3 * PANEL;

    /** Scratch floats {@link #multiply} needs for {@code rows} weight rows. */
    static int scratchLength(int rows) {
        return rows * ROW_STRIDE;
    }

    /**
     * Weight rows {@code [0, rows)} of {@code w} (row r at {@code r·k}, reordered by {@link #permute}) times
     * the {@code tokens} activation rows packed by {@link #pack}; the result for (t, r) goes to
     * {@code y[t·ldy + yOffset + r]}. {@code k} is a multiple of 16; {@code acc} is scratch of at least
     * {@link #scratchLength} floats.
     */
    static void multiply(float[] w, int rows, float[] packed, int tokens, int k, float[] y, int yOffset, int ldy, float[] acc) {
        int np = PanelGemm.panels(tokens);
        int rows8 = rows - rows % 8;
        // panels in groups of three (a pair or a single last), each group's chains finished over all of k,
        // so the accumulators of one group (192 KB for 64 rows) are all that is kept
        for (int p = 0; p < np; p += 3) {
            int g = Math.min(3, np - p);
            for (int c0 = 0; c0 < k; c0 += KC) {
                int m = chunkResidues(k, c0);
                boolean resume = c0 > 0;
                for (int r = 0; r < rows8; r += 8)
                    for (int j = 0; j < L; j++) {
                        int k0 = c0 + j * m, o = r * ROW_STRIDE + CHAIN_STRIDE * j;
                        switch (g) {
                            case 3 -> kernel8x3(w, r, packed, p, k0, k0 + m, k, acc, o, ROW_STRIDE, resume);
                            case 2 -> kernel8x2(w, r, packed, p, k0, k0 + m, k, acc, o, ROW_STRIDE, resume);
                            default -> kernel8x1(w, r, packed, p, k0, k0 + m, k, acc, o, ROW_STRIDE, resume);
                        }
                    }
                for (int r = rows8; r < rows; r++)
                    for (int q = 0; q < g; q++)
                        for (int j = 0; j < L; j++) {
                            int k0 = c0 + j * m;
                            chain(w, r, packed, p + q, k0, k0 + m, k, acc, r * ROW_STRIDE + CHAIN_STRIDE * j + PANEL * q, resume);
                        }
            }
            for (int r = 0; r < rows; r++)
                for (int q = 0; q < g; q++) reduceChains(acc, r * ROW_STRIDE + PANEL * q);
            // the group's tokens: token t's accumulator of row r is at r·ROW_STRIDE + (t - 16p), as PanelGemm lays them out
            PanelGemm.writeTokenMajor(acc, ROW_STRIDE, rows, PANEL * p, Math.min(tokens, PANEL * (p + g)), y, yOffset, ldy);
        }
    }

    /**
     * The 16 chain vectors at {@code acc[o + 48j]} summed by {@link LaneSum}'s tree (halves of 8, 4, 2, then
     * the last pair), lane by lane, into {@code acc[o ..]}: each token's output as LaneSum sums its lanes.
     */
    private static void reduceChains(float[] acc, int o) {
        int s = CHAIN_STRIDE;
        FloatVector even = FloatVector.fromArray(S, acc, o).add(FloatVector.fromArray(S, acc, o + 8 * s))
                .add(FloatVector.fromArray(S, acc, o + 4 * s).add(FloatVector.fromArray(S, acc, o + 12 * s)))
                .add(FloatVector.fromArray(S, acc, o + 2 * s).add(FloatVector.fromArray(S, acc, o + 10 * s))
                        .add(FloatVector.fromArray(S, acc, o + 6 * s).add(FloatVector.fromArray(S, acc, o + 14 * s))));
        FloatVector odd = FloatVector.fromArray(S, acc, o + s).add(FloatVector.fromArray(S, acc, o + 9 * s))
                .add(FloatVector.fromArray(S, acc, o + 5 * s).add(FloatVector.fromArray(S, acc, o + 13 * s)))
                .add(FloatVector.fromArray(S, acc, o + 3 * s).add(FloatVector.fromArray(S, acc, o + 11 * s))
                        .add(FloatVector.fromArray(S, acc, o + 7 * s).add(FloatVector.fromArray(S, acc, o + 15 * s))));
        even.add(odd).intoArray(acc, o);
    }

    /** One output in tinyBLAS's order, on rows in their natural order: the reference {@link #multiply} is equal to. */
    static float dot(float[] w, int wo, float[] a, int ao, int k) {
        FloatVector c = FloatVector.zero(S);
        for (int i = 0; i < k; i += L) c = FloatVector.fromArray(S, w, wo + i).fma(FloatVector.fromArray(S, a, ao + i), c);
        return LaneSum.of(c);
    }

    /**
     * One accumulator: weight row r × panel p over k in [k0, k1), resumed from (when {@code resume}) and saved
     * to {@code acc[o ..]} (rows left over after groups of eight).
     */
    private static void chain(float[] w, int r, float[] packed, int p, int k0, int k1, int k, float[] acc, int o, boolean resume) {
        int wr = r * k, a = p * PANEL * k;
        FloatVector c = resume ? FloatVector.fromArray(S, acc, o) : FloatVector.zero(S);
        for (int i = k0; i < k1; i++) c = FloatVector.fromArray(S, packed, a + PANEL * i).fma(FloatVector.broadcast(S, w[wr + i]), c);
        c.intoArray(acc, o);
    }

    /**
     * Accumulators of weight rows r..r+7 × panels p..p+2 over k in [k0, k1), resumed from (when {@code resume})
     * and saved to {@code acc}: the one of row r+i, panel p+q at {@code o + rs·i + 16q}.
     */
    private static void kernel8x3(float[] w, int r, float[] packed, int p, int k0, int k1, int k, float[] acc, int o, int rs, boolean resume) {
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
    private static void kernel8x2(float[] w, int r, float[] packed, int p, int k0, int k1, int k, float[] acc, int o, int rs, boolean resume) {
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
    private static void kernel8x1(float[] w, int r, float[] packed, int p, int k0, int k1, int k, float[] acc, int o, int rs, boolean resume) {
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

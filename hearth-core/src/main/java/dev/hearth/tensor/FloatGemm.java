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
 * and the chains need not run side by side in one vector. Here they run in {@link PanelGemm}'s
 * kernels, one lane per token: both operands have their k reordered <em>residue-major</em> within chunks
 * of {@link #KC} ({@link #permute}: elements j, j+16, … of the chunk first, then j+1's …), so that chain
 * j of a chunk is a contiguous run of k, and PanelGemm's kernel over that run (8 weight rows × 3 panels
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
                            case 3 -> PanelGemm.kernel8x3(w, r, packed, p, k0, k0 + m, k, acc, o, ROW_STRIDE, resume);
                            case 2 -> PanelGemm.kernel8x2(w, r, packed, p, k0, k0 + m, k, acc, o, ROW_STRIDE, resume);
                            default -> PanelGemm.kernel8x1(w, r, packed, p, k0, k0 + m, k, acc, o, ROW_STRIDE, resume);
                        }
                    }
                for (int r = rows8; r < rows; r++)
                    for (int q = 0; q < g; q++)
                        for (int j = 0; j < L; j++) {
                            int k0 = c0 + j * m;
                            PanelGemm.chain(w, r, packed, p + q, k0, k0 + m, k, acc, r * ROW_STRIDE + CHAIN_STRIDE * j + PANEL * q, resume);
                        }
            }
            for (int r = 0; r < rows; r++)
                for (int q = 0; q < g; q++) reduceChains(acc, r * ROW_STRIDE + PANEL * q);
            // token-major, so each token's outputs are written as one run
            for (int t = PANEL * p, end = Math.min(tokens, PANEL * (p + g)); t < end; t++) {
                int q = t / PANEL - p, l = t % PANEL;
                for (int r = 0, o = t * ldy + yOffset; r < rows; r++) y[o + r] = acc[r * ROW_STRIDE + PANEL * q + l];
            }
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
}

package dev.hearth.tensor;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Speculative decoding's verification for a quantized type: each weight row's dots with up to nine tokens at once (one
 * token and eight drafts), every dot to the bit the type's plain dot computes for that token alone, so that greedy
 * output with drafts is plain decoding's ({@link TypeOps#dotRowsTokens}).
 *
 * <p>The plain dots these serve sum, per block of 32 weights, 16 lanes of exact integers into one accumulator by
 * {@code acc = fma(s, d_w·d_a, acc)}, blocks in order, then {@link LaneSum}'s tree. A subclass widens each block's weights
 * to floats once and computes every token's 16 integers from them with float products that are exact (so the same
 * numbers however they are formed), then the same FMA with the same rounded {@code d_w·d_a}. The plain kernel run once
 * per token widened the weights nine times, in integer steps that floats need fewer of.
 *
 * <p>Loop order, as F16's verification ({@code F16Ops.Vectorized#dotRowsTokens}): rows in groups of {@link #ROWS}, each
 * group through the row in spans of {@link #SPAN} blocks, so that a span's packed activations (nine tokens, ~20 KB)
 * stay in L1 while the group's rows go through it, two at a time ({@link #twoRows}). The activations are packed once
 * per call: token k's part of block j at {@code BLOCK·j + 32k} (32 floats), tokens m..8 repeating token m-1, so the
 * kernel always runs nine.
 */
abstract class TokenwiseKernel {
    /** Tokens per pass. */
    static final int GROUP = 9;
    /** Weight rows per group. */
    static final int ROWS = 16;
    /** Blocks per span: divides {@link RowBlocks#CHUNK}, so a span never straddles two of a regrouped row's chunks. */
    static final int SPAN = 16;

    /** Per thread: the packed activations and the row group's accumulators (token k of row i at 144i + 16k). */
    private static final ThreadLocal<float[]> PACKED = ThreadLocal.withInitial(() -> new float[0]);
    private static final ThreadLocal<float[]> ACCUMULATORS = ThreadLocal.withInitial(() -> new float[ROWS * GROUP * 16]);
    /** Per thread: scratch for {@link #twoRows} (two rows' nine products d_w·d_a). */
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[32]);

    /** Floats per block of the packed activations: nine tokens' 32 floats, then their nine scales d_a from {@link #SCALES}, padded. */
    static final int BLOCK = 304;
    static final int SCALES = 288;

    private final int blockBytes, minTokens;

    /**
     * {@code minTokens}: the fewest tokens the kernel takes. It always does nine tokens' work (a group of m repeats its
     * last token), so fewer go token by token through the plain kernel, which then reads the rows from cache.
     */
    TokenwiseKernel(int blockBytes, int minTokens) {
        this.blockBytes = blockBytes;
        this.minTokens = minTokens;
    }

    /** Token k's encoded activation row at {@code src} (nb blocks) into slot k of each packed block of {@code p}. */
    abstract void pack(MemorySegment a, long src, int k, int nb, float[] p);

    /**
     * Blocks [0, len) of one weight row from {@code wb} (contiguous blocks) with the nine tokens packed from {@code po}:
     * token k's accumulator resumed from and saved to {@code acc[o + 16k]}.
     */
    abstract void nineTokens(MemorySegment w, long wb, float[] p, int po, int len, float[] acc, int o);

    /**
     * {@link #nineTokens} for two rows in one pass (blocks from {@code wb} and {@code wb2}, accumulators at {@code o} and
     * {@code o2}), the two rows sharing each activation load, each row's sums to the bit {@code nineTokens}'.
     * {@code scratch}: 32 floats.
     */
    abstract void twoRows(MemorySegment w, long wb, long wb2, float[] p, int po, int len, float[] acc, int o, int o2, float[] scratch);

    /**
     * {@code out[outOffset + r + t·outStride] = single.dot(row r, token t)} for rows [0, nRows) and tokens [0, tokens):
     * rows in the file's layout ({@code rowBlocks} false: row r at {@code wOffset + r·rowStride}) or the rows from
     * {@code wOffset} of a {@link RowBlocks} matrix that {@code w} holds whole. Groups of fewer than {@code minTokens} go
     * token by token to {@code single.dotRows}.
     */
    final void dotRowsTokens(TypeOps single, boolean rowBlocks, MemorySegment w, long wOffset, long rowStride, int nRows, MemorySegment a,
                             long aOffset, long aStride, int tokens, int n, float[] out, int outOffset, int outStride) {
        int nb = n / 32;
        if ((long) BLOCK * nb > INDEX_MASK) throw new IllegalArgumentException("rows of " + n + " values are too long to verify tokenwise");
        long rows = w.byteSize() / rowStride, first = wOffset / rowStride;
        for (int t = 0; t < tokens; t += GROUP) {
            int m = Math.min(GROUP, tokens - t);
            long at = aOffset + t * aStride;
            int ot = outOffset + t * outStride;
            if (m < minTokens) {
                for (int k = 0; k < m; k++) single.dotRows(w, wOffset, rowStride, nRows, a, at + k * aStride, n, out, ot + k * outStride);
                continue;
            }
            float[] p = PACKED.get();
            if (p.length < BLOCK * nb) PACKED.set(p = new float[BLOCK * nb]);
            for (int k = 0; k < GROUP; k++) pack(a, at + Math.min(k, m - 1) * aStride, k, nb, p);
            float[] acc = ACCUMULATORS.get(), scratch = SCRATCH.get();
            for (int r0 = 0; r0 < nRows; r0 += ROWS) {
                int count = Math.min(ROWS, nRows - r0);
                Arrays.fill(acc, 0f);
                for (int b = 0; b < nb; b += SPAN) {
                    int len = Math.min(SPAN, nb - b);
                    for (int i = 0; i < count; i += 2) {
                        long wb = blockOffset(rowBlocks, rows, nb, first + r0 + i, wOffset + (r0 + i) * rowStride, b);
                        if (i + 1 < count)
                            twoRows(w, wb, blockOffset(rowBlocks, rows, nb, first + r0 + i + 1, wOffset + (r0 + i + 1) * rowStride, b), p, BLOCK * b, len,
                                    acc, GROUP * 16 * i, GROUP * 16 * (i + 1), scratch);
                        else nineTokens(w, wb, p, BLOCK * b, len, acc, GROUP * 16 * i);
                    }
                }
                for (int i = 0; i < count; i++)
                    for (int k = 0; k < m; k++) out[ot + r0 + i + k * outStride] = LaneSum.of(acc, GROUP * 16 * i + 16 * k);
            }
        }
    }

    /** Where block b of a row starts: row {@code row} of a {@link RowBlocks} matrix of {@code rows}, or at {@code rowStart} in the file's layout. */
    private long blockOffset(boolean rowBlocks, long rows, int nb, long row, long rowStart, int b) {
        return rowBlocks ? RowBlocks.chunkOffset(rows, nb, blockBytes, row, b / RowBlocks.CHUNK) + (long) blockBytes * (b % RowBlocks.CHUNK)
                : rowStart + (long) blockBytes * b;
    }

    /**
     * A kernel may index the packed activations as {@code (po + BLOCK·j) & INDEX_MASK}: the packed array is shorter than
     * 2^30 floats ({@link #dotRowsTokens} checks), so the mask changes no index, but it shows C2 that adding a constant
     * cannot overflow, and C2 then folds each load's constant offset into its address instead of computing every index
     * with an add and a sign extension of its own.
     */
    static final int INDEX_MASK = (1 << 30) - 1;
}

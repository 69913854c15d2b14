package dev.hearth.tensor;

import static dev.hearth.tensor.Q4_0Ops.Vectorized.SCRATCH;
import static dev.hearth.tensor.Q4_0Ops.Vectorized.oneRowSpan;
import static dev.hearth.tensor.Q4_0Ops.Vectorized.SCALES;
import static dev.hearth.tensor.Q4_0Ops.Vectorized.twoRowSpan;

import java.lang.foreign.MemorySegment;

/**
 * Q4_0 matrices in {@link RowBlocks}' layout ({@link GgmlType#Q4_0_R16}). The arithmetic is Q4_0's
 * vector kernel taken a chunk (2048 values) at a time, its accumulators carried from one chunk to the
 * next, so every dot is bit for bit the one {@code Q4_0Ops.Vectorized} computes on the file's rows.
 *
 * <p>Offsets name rows as in the file ({@code r · rowBytes}), and {@code w} must be the whole matrix
 * (or whole blocks of its rows: {@link RowBlocks#rows}), because where a row's chunks lie depends on
 * the block it falls in. Activations are {@link GgmlType#Q8_0_NIBBLE}.
 */
final class Q4_0R16Ops implements TypeOps {
    @Override
    public GgmlType type() {
        return GgmlType.Q4_0_R16;
    }

    @Override
    public GgmlType dotType() {
        return GgmlType.Q8_0_NIBBLE;
    }

    @Override
    public void dequantize(MemorySegment src, long srcOffset, float[] dst, int dstOffset, int n) {
        throw new UnsupportedOperationException("Q4_0_R16 is decoded by rows or parts of a row (dequantizeRows, dequantizeSpan), which find their blocks");
    }

    @Override
    public void dequantizeRows(MemorySegment w, int first, int count, int cols, float[] dst, int dstOffset) {
        for (int r = 0; r < count; r++) dequantizeSpan(w, first + r, cols, 0, cols, dst, dstOffset + r * cols);
    }

    /** The span's blocks chunk by chunk: a row's chunks lie apart (see {@link RowBlocks}), its blocks within one are contiguous. */
    @Override
    public void dequantizeSpan(MemorySegment w, int row, int cols, int from, int to, float[] dst, int dstOffset) {
        int nb = blocks(cols);
        long rows = w.byteSize() / (18L * nb);
        for (int b = from / 32, end = to / 32; b < end; ) {
            int c = b / RowBlocks.CHUNK, last = Math.min(end, (c + 1) * RowBlocks.CHUNK);
            FastDecode.q4_0(w, RowBlocks.chunkOffset(rows, nb, 18, row, c) + 18L * (b - c * RowBlocks.CHUNK), dst,
                    dstOffset + 32 * (b - from / 32), 32 * (last - b));
            b = last;
        }
    }

    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int n) {
        throw new UnsupportedOperationException("Q4_0_R16 is made from Q4_0 matrices (RowBlocks.prepare), not quantized");
    }

    @Override
    public float dot(MemorySegment w, long wOffset, MemorySegment a, long aOffset, int n) {
        int nb = blocks(n);
        long rb = 18L * nb, rows = w.byteSize() / rb, r = row(wOffset, rb);
        float[] s = SCRATCH.get();
        java.util.Arrays.fill(s, 0, 16, 0f);
        for (int c = 0; c < RowBlocks.chunks(nb); c++)
            check(oneRowSpan(w, RowBlocks.chunkOffset(rows, nb, 18, r, c), a, aOffset + 256L * c * RowBlocks.CHUNK, RowBlocks.chunkLength(nb, c), s, 0));
        return LaneSum.of(s, 0);
    }

    /**
     * The rows in {@code [r0, r0 + nRows)}: whole blocks of 16 rows two at a time, block j of the first
     * half of them with block j of the second half (two streams far apart, as the file-layout kernel pairs
     * its rows), chunk by chunk, 16 row pairs per chunk; rows outside whole blocks (a range that does not
     * start or end on a block boundary) in pairs of their own.
     *
     * <p>On the Intel VM of sessions 21 and 22 this loop is nearly as slow with its rows in cache as from memory: one
     * thread, 2.1-3.6 ns a 32-value block (5-8.6 GB/s) with 256 x 2048 weights against 2.6-4.3 with 8192 x 2048 (session
     * 22, processes minutes apart differing by up to 1.5x); the 17-19 GB/s in cache that {@link Q4_0Ops.Vectorized#dotRows}
     * cites are not this VM's. Its arithmetic per block, more than the memory, sets the pace there, and a C loop of like
     * work gained 35-60% from software prefetch, which Java cannot issue, and up to 1.7x from eight streams per thread
     * instead of one (session 21; KernelBench, file layout, 4.6-5.0 GB/s from memory). Tried there and
     * not kept: eight streams (rows i and i + 8 of four blocks) at 1152 bytes a turn, 1B Q4_0 tg64 13.20 against 13.64
     * t/s; at 576 and 288 bytes a turn 10.34 and 8.76 (the calls cost more than the streams gave); a four-row kernel,
     * which C1 could not compile (out of virtual registers) and C2 did not compile in time.
     */
    @Override
    public void dotRows(MemorySegment w, long wOffset, long rowStride, int nRows, MemorySegment a, long aOffset, int n, float[] out, int outOffset) {
        int nb = blocks(n);
        long rb = rowBytes(rowStride, nb), rows = w.byteSize() / rb;
        long r0 = row(wOffset, rb), r1 = r0 + nRows;
        long b0 = Math.min(r1, (r0 + RowBlocks.ROWS - 1) / RowBlocks.ROWS * RowBlocks.ROWS);
        long b1 = Math.max(b0, r1 == rows ? r1 : r1 / RowBlocks.ROWS * RowBlocks.ROWS);
        // [r0, b0) and [b1, r1) are pieces of blocks; [b0, b1) whole blocks, the last possibly the matrix's short one
        pairs(w, rows, nb, r0, b0, a, aOffset, out, outOffset - r0);
        long whole = (b1 - b0) / RowBlocks.ROWS, half = whole / 2;
        float[] s = ACCUMULATORS.get(), ds = SCALES.get();
        for (long j = 0; j < half; j++) {
            long x = b0 + j * RowBlocks.ROWS, y = x + half * RowBlocks.ROWS;
            java.util.Arrays.fill(s, 0f);
            for (int c = 0; c < RowBlocks.chunks(nb); c++) {
                int len = RowBlocks.chunkLength(nb, c);
                long ao = aOffset + 256L * c * RowBlocks.CHUNK;
                for (int i = 0; i < RowBlocks.ROWS; i++)
                    check(twoRowSpan(w, RowBlocks.chunkOffset(rows, nb, 18, x + i, c), RowBlocks.chunkOffset(rows, nb, 18, y + i, c), a, ao, len, s, 32 * i, ds));
            }
            for (int i = 0; i < RowBlocks.ROWS; i++) {
                out[(int) (outOffset + x + i - r0)] = LaneSum.of(s, 32 * i);
                out[(int) (outOffset + y + i - r0)] = LaneSum.of(s, 32 * i + 16);
            }
        }
        pairs(w, rows, nb, b0 + 2 * half * RowBlocks.ROWS, r1, a, aOffset, out, outOffset - r0);
    }

    /** Several tokens (speculative decoding's verification): {@link Q4_0Tokens}, each weight block widened once for nine tokens. */
    @Override
    public void dotRowsTokens(MemorySegment w, long wOffset, long rowStride, int nRows, MemorySegment a, long aOffset, long aStride,
                              int tokens, int n, float[] out, int outOffset, int outStride) {
        row(wOffset, rowBytes(rowStride, blocks(n))); // the checks dotRows makes: rows this far apart, wOffset at one
        Q4_0Tokens.KERNEL.dotRowsTokens(this, true, w, wOffset, rowStride, nRows, a, aOffset, aStride, tokens, n, out, outOffset, outStride);
    }

    /** Rows [lo, hi): row lo + i with row lo + h + i (h = half the count), an odd last row with itself; out[base + r]. */
    private static void pairs(MemorySegment w, long rows, int nb, long lo, long hi, MemorySegment a, long aOffset, float[] out, long base) {
        long h = (hi - lo) / 2;
        float[] s = SCRATCH.get(), ds = SCALES.get();
        for (long i = 0; i < (hi - lo + 1) / 2; i++) {
            long x = i < h ? lo + i : hi - 1, y = i < h ? x + h : x;
            java.util.Arrays.fill(s, 0, 32, 0f);
            for (int c = 0; c < RowBlocks.chunks(nb); c++)
                check(twoRowSpan(w, RowBlocks.chunkOffset(rows, nb, 18, x, c), RowBlocks.chunkOffset(rows, nb, 18, y, c), a,
                        aOffset + 256L * c * RowBlocks.CHUNK, RowBlocks.chunkLength(nb, c), s, 0, ds));
            out[(int) (base + x)] = LaneSum.of(s, 0);
            out[(int) (base + y)] = LaneSum.of(s, 16);
        }
    }

    /** Per thread: the accumulators of 16 row pairs. */
    private static final ThreadLocal<float[]> ACCUMULATORS = ThreadLocal.withInitial(() -> new float[32 * RowBlocks.ROWS]);

    private static int blocks(int n) {
        if (n % 128 != 0) throw new IllegalArgumentException("Q4_0_R16 rows are a multiple of 128 values, not " + n);
        return n / 32;
    }

    /** A row's bytes, nb blocks; the rows the callers name must lie that far apart. */
    private static long rowBytes(long rowStride, int nb) {
        long rb = 18L * nb;
        if (rowStride != rb) throw new IllegalArgumentException("Q4_0_R16 rows are " + rb + " bytes apart, not " + rowStride);
        return rb;
    }

    private static long row(long offset, long rowBytes) {
        if (offset % rowBytes != 0) throw new IllegalArgumentException("offset " + offset + " is not at a row of " + rowBytes + " bytes");
        return offset / rowBytes;
    }

    /** {@link RowBlocks#prepare} leaves matrices with an inf/NaN scale in the file's layout, so this cannot fail. */
    private static void check(boolean finite) {
        if (!finite) throw new IllegalStateException("inf/NaN scale in a Q4_0_R16 matrix");
    }
}

package dev.hearth.tensor;

import dev.hearth.gguf.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The row-block layout of {@link GgmlType#Q4_0_R16}: a matrix's Q4_0 rows regrouped at load, so that
 * the generation kernel ({@link Q4_0R16Ops}) streams long runs of memory while its activations stay
 * in the L1 cache.
 *
 * <p>Rows go in blocks of {@link #ROWS} (the last block of a matrix may be shorter). Within a block
 * the data is chunk-major: the first {@link #CHUNK} quant blocks (2048 values) of each of its rows, one
 * row after the other, then the next {@link #CHUNK} of each, and so on (a row's last chunk may be
 * shorter). The 18-byte blocks themselves are untouched and a matrix takes the same bytes as in the
 * file; a block of rows starts where its first row starts in the file, so rows {@code [16k, 16m)} of
 * a regrouped matrix are a regrouped matrix of their own.
 *
 * <p>Why: Q4_0's dot reads its activations as 256 bytes of floats per 32 values (see
 * {@link Q8_0NibbleOps}), 64 KB for a row of 8192 values — more than the 48 KB L1 cache, so every
 * row streamed them from L2 again, and those reads crowded out the weights' own stream. Measured on the
 * 1B Q4_0's ffn_down (8192-wide rows), one thread, weights from memory: 8.3 GB/s with the file's rows,
 * 15.4 GB/s in row blocks of 16; 10 GB/s with the file's rows taken 2048 values at a time (the
 * activations in L1, but the weights read in short strided runs). Row blocks of 8 and 32 were slower
 * end to end than 16.
 */
public final class RowBlocks {
    private RowBlocks() {}

    /** Rows per block. */
    static final int ROWS = 16;
    /** Quant blocks per chunk: 2048 Q4_0 values, 1152 bytes; their activations take 16 KB. */
    static final int CHUNK = 64;

    /** Set {@code -Dhearth.q4_0.rowBlocks=false} to keep Q4_0 matrices in the file's layout (to compare). */
    static final boolean ENABLED = !"false".equals(System.getProperty("hearth.q4_0.rowBlocks"));

    /**
     * Where chunk c of row r lies, in bytes from the start of a regrouped matrix of {@code rows} rows
     * of {@code nb} quant blocks of {@code blockBytes} bytes.
     */
    static long chunkOffset(long rows, int nb, int blockBytes, long r, int c) {
        long first = r - r % ROWS;
        long size = Math.min(ROWS, rows - first);
        long len = Math.min(CHUNK, nb - (long) c * CHUNK);
        return first * nb * blockBytes + size * c * CHUNK * blockBytes + (r - first) * len * blockBytes;
    }

    /** Number of chunks of a row of nb quant blocks. */
    static int chunks(int nb) {
        return (nb + CHUNK - 1) / CHUNK;
    }

    /** Quant blocks in chunk c of a row of nb. */
    static int chunkLength(int nb, int c) {
        return Math.min(CHUNK, nb - c * CHUNK);
    }

    /**
     * The matrix as the generation kernels read it fastest: a Q4_0 matrix whose rows the vector kernel
     * takes (a multiple of 128 values) and whose scales are all finite becomes a {@link GgmlType#Q4_0_R16}
     * copy in memory of its own (the caller may then release the file's pages under the original:
     * {@code GgufFile.releasePages}). Anything else is returned as it is.
     */
    public static Tensor prepare(Tensor t) {
        if (!ENABLED || !VectorTypeOps.USE_VECTORS || t.type() != GgmlType.Q4_0 || t.shape().length != 2
                || t.rowLength() % 128 != 0 || t.rowCount() < 2) return t;
        MemorySegment src = t.data();
        if (!finiteScales(src)) return t;
        int nb = t.rowLength() / 32, rows = t.rowCount();
        long rowBytes = t.rowBytes();
        MemorySegment dst = Arena.ofAuto().allocate(src.byteSize(), 64);
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < chunks(nb); c++)
                MemorySegment.copy(src, r * rowBytes + (long) c * CHUNK * 18, dst, chunkOffset(rows, nb, 18, r, c), chunkLength(nb, c) * 18L);
        return new Tensor(t.name(), GgmlType.Q4_0_R16, t.shape(), dst);
    }

    /**
     * Rows [first, first + count) of a regrouped matrix as a tensor of their own: a view when they are
     * whole blocks of rows, else a copy in the file's layout (Q4_0).
     */
    public static Tensor rows(Tensor t, int first, int count) {
        long rowBytes = t.rowBytes();
        int rows = t.rowCount();
        String name = t.name() + "[" + first + ":" + (first + count) + "]";
        long[] shape = {t.shape()[0], count};
        if (first % ROWS == 0 && (count % ROWS == 0 || first + count == rows))
            return new Tensor(name, t.type(), shape, t.data().asSlice(first * rowBytes, count * rowBytes));
        int nb = t.rowLength() / 32;
        MemorySegment dst = Arena.ofAuto().allocate(count * rowBytes, 64);
        for (int r = 0; r < count; r++)
            for (int c = 0; c < chunks(nb); c++)
                MemorySegment.copy(t.data(), chunkOffset(rows, nb, 18, first + r, c), dst, r * rowBytes + (long) c * CHUNK * 18, chunkLength(nb, c) * 18L);
        return new Tensor(name, GgmlType.Q4_0, shape, dst);
    }

    /** False when some block's fp16 scale is infinite or NaN (the vector kernel's cheap widening would misread it). */
    private static boolean finiteScales(MemorySegment src) {
        for (long off = 0; off < src.byteSize(); off += 18)
            if ((Blocks.i16(src, off) & 0x7C00) == 0x7C00) return false;
        return true;
    }
}

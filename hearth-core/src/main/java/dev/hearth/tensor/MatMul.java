package dev.hearth.tensor;

import dev.hearth.gguf.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * Weight matrix times activations: {@code y[t][r] = W[r] · x[t]} for every token row t.
 *
 * <p>The weights stay where they are (the mapped file); activations are encoded once into the weight
 * type's dot format ({@link EncodedRows}) and the output rows are split evenly over the compute pool.
 * For each weight row, every token is multiplied while that row is still in cache, so prompt
 * processing reads each weight byte once per batch rather than once per token.
 */
public final class MatMul {
    private MatMul() {}

    /**
     * {@code y[t * ldy + yOffset + r] = dot(w row r, x row t)} for t &lt; x.rows(), r &lt; w's row count.
     * {@code x} must be encoded as {@code TypeOps.of(w.type()).dotType()}.
     */
    public static void multiply(ComputePool pool, Tensor w, EncodedRows x, float[] y, int yOffset, int ldy) {
        TypeOps ops = TypeOps.of(w.type());
        if (x.type() != ops.dotType()) throw new IllegalArgumentException(w.name() + ": activations are " + x.type() + ", need " + ops.dotType());
        int cols = w.rowLength();
        if (x.cols() != cols) throw new IllegalArgumentException(w.name() + ": " + cols + " columns, activations have " + x.cols());
        int rows = w.rowCount();
        int tokens = x.rows();
        long rowBytes = w.rowBytes();
        MemorySegment wd = w.data();
        MemorySegment xd = x.segment();
        pool.run((t, nt) -> {
            int start = ComputePool.split(rows, t, nt), end = ComputePool.split(rows, t + 1, nt);
            for (int r = start; r < end; r++) {
                long wo = r * rowBytes;
                for (int k = 0; k < tokens; k++)
                    y[k * ldy + yOffset + r] = ops.dot(wd, wo, xd, x.rowOffset(k), cols);
            }
        });
    }

    /** Decodes row {@code row} of {@code w} into {@code dst[dstOffset ..]} (embedding lookup). */
    public static void row(Tensor w, int row, float[] dst, int dstOffset) {
        TypeOps.of(w.type()).dequantize(w.data(), row * w.rowBytes(), dst, dstOffset, w.rowLength());
    }
}

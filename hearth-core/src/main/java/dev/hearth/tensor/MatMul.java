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
        if (tokens >= GEMM_MIN_TOKENS) {
            gemm(pool, ops, w, x.decoded(pool), tokens, y, yOffset, ldy);
            return;
        }
        MemorySegment xd = x.segment();
        pool.run((long) rows * cols * tokens, (t, nt) -> {
            int start = ComputePool.split(rows, t, nt), end = ComputePool.split(rows, t + 1, nt);
            for (int r = start; r < end; r++) {
                long wo = r * rowBytes;
                for (int k = 0; k < tokens; k++)
                    y[k * ldy + yOffset + r] = ops.dot(wd, wo, xd, x.rowOffset(k), cols);
            }
        });
    }

    /**
     * From this many tokens on, weights are decoded to float once per block of rows and multiplied with
     * the decoded activations by a register-blocked float kernel: decoding is then amortized over the
     * tokens, and FMAs on floats beat widening integer multiplies. Below it, the integer dot streams the
     * quantized weights, which is what matters when reading the weights is the bottleneck.
     */
    static final int GEMM_MIN_TOKENS = 8;
    private static final int GEMM_ROWS = 16;
    private static final ThreadLocal<float[]> ROW_BLOCK = ThreadLocal.withInitial(() -> new float[0]);

    private static void gemm(ComputePool pool, TypeOps ops, Tensor w, float[] a, int tokens, float[] y, int yOffset, int ldy) {
        int rows = w.rowCount(), cols = w.rowLength();
        long rowBytes = w.rowBytes();
        MemorySegment wd = w.data();
        int blocks = (rows + GEMM_ROWS - 1) / GEMM_ROWS;
        pool.run((long) rows * cols * tokens, (t, nt) -> {
            float[] buf = ROW_BLOCK.get();
            if (buf.length < GEMM_ROWS * cols) ROW_BLOCK.set(buf = new float[GEMM_ROWS * cols]);
            for (int b = ComputePool.split(blocks, t, nt), end = ComputePool.split(blocks, t + 1, nt); b < end; b++) {
                int r0 = b * GEMM_ROWS, n = Math.min(GEMM_ROWS, rows - r0);
                ops.decodeForGemm(wd, r0 * rowBytes, buf, 0, n * cols);
                FloatGemm.multiply(buf, n, a, tokens, cols, y, yOffset + r0, ldy);
            }
        });
    }

    /** Decodes row {@code row} of {@code w} into {@code dst[dstOffset ..]} (embedding lookup). */
    public static void row(Tensor w, int row, float[] dst, int dstOffset) {
        TypeOps.of(w.type()).dequantize(w.data(), row * w.rowBytes(), dst, dstOffset, w.rowLength());
    }
}

package dev.hearth.tensor;

import java.lang.foreign.MemorySegment;

/**
 * Base of the scalar reference implementations: a row is a sequence of independent blocks, so the
 * row operations are loops over per-block methods. Vectorized subclasses override the row methods
 * they speed up and keep the reference for the rest.
 */
abstract class BlockOps implements TypeOps {
    private final GgmlType type;
    private final GgmlType dotType;

    BlockOps(GgmlType type, GgmlType dotType) {
        this.type = type;
        this.dotType = dotType;
    }

    @Override
    public final GgmlType type() {
        return type;
    }

    @Override
    public final GgmlType dotType() {
        return dotType;
    }

    @Override
    public void dequantize(MemorySegment src, long srcOffset, float[] dst, int dstOffset, int n) {
        Blocks.checkLength(type, n);
        int bs = type.blockSize;
        for (int b = 0; b < n / bs; b++) {
            dequantizeBlock(src, srcOffset + (long) b * type.blockBytes, dst, dstOffset + b * bs);
        }
    }

    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int n) {
        Blocks.checkLength(type, n);
        int bs = type.blockSize;
        for (int b = 0; b < n / bs; b++) {
            quantizeBlock(src, srcOffset + b * bs, dst, dstOffset + (long) b * type.blockBytes);
        }
    }

    /**
     * Sums the blocks' contributions in order, in float, as ggml's generic {@code ggml_vec_dot_*}
     * loops do ({@code sumf += ...} per block).
     */
    @Override
    public float dot(MemorySegment w, long wOffset, MemorySegment a, long aOffset, int n) {
        Blocks.checkLength(type, n);
        int nb = n / type.blockSize;
        int aBytes = dotType.blockBytes * (type.blockSize / dotType.blockSize);
        float sum = 0;
        for (int b = 0; b < nb; b++) {
            sum += dotBlock(w, wOffset + (long) b * type.blockBytes, a, aOffset + (long) b * aBytes);
        }
        return sum;
    }

    abstract void dequantizeBlock(MemorySegment src, long offset, float[] dst, int dstOffset);

    abstract void quantizeBlock(float[] src, int srcOffset, MemorySegment dst, long offset);

    /** One block's contribution to the dot, as ggml computes it (integer sum, then its scales). */
    abstract float dotBlock(MemorySegment w, long wOffset, MemorySegment a, long aOffset);

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + type + "]";
    }
}

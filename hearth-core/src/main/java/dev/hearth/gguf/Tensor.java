package dev.hearth.gguf;

import dev.hearth.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A tensor as stored in a GGUF file: a view on the mapped bytes, never a copy.
 * {@code shape[0]} is ggml's ne0, the length of one row (the innermost, contiguous dimension).
 */
public record Tensor(String name, GgmlType type, long[] shape, MemorySegment data) {

    public long elementCount() {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    /** Length of one row (ne0). */
    public int rowLength() {
        return Math.toIntExact(shape[0]);
    }

    /** Number of rows: every dimension after the first, multiplied. */
    public int rowCount() {
        return Math.toIntExact(elementCount() / shape[0]);
    }

    public long rowBytes() {
        return type.bytesFor(shape[0]);
    }

    @Override
    public String toString() {
        return name + " " + type + " " + Arrays.toString(shape);
    }
}

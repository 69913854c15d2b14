package dev.hearth.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Little-endian field access inside quantized blocks. GGUF files and ggml's block structs are
 * little-endian with no alignment guarantee for a block inside a row (an 18-byte Q4_0 block puts
 * every other {@code d} on an odd address), hence the unaligned layouts.
 */
final class Blocks {
    private Blocks() {}

    static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** An IEEE half ({@code ggml_half}) at {@code offset}, widened to float (exact). */
    static float half(MemorySegment s, long offset) {
        return Float.float16ToFloat(s.get(SHORT_LE, offset));
    }

    /** Stores {@code v} as an IEEE half, rounding to nearest even like ggml's GGML_FP32_TO_FP16. */
    static void putHalf(MemorySegment s, long offset, float v) {
        s.set(SHORT_LE, offset, Float.floatToFloat16(v));
    }

    static int u8(MemorySegment s, long offset) {
        return s.get(ValueLayout.JAVA_BYTE, offset) & 0xFF;
    }

    static int i8(MemorySegment s, long offset) {
        return s.get(ValueLayout.JAVA_BYTE, offset);
    }

    static void putByte(MemorySegment s, long offset, int v) {
        s.set(ValueLayout.JAVA_BYTE, offset, (byte) v);
    }

    static int i16(MemorySegment s, long offset) {
        return s.get(SHORT_LE, offset);
    }

    static int i32(MemorySegment s, long offset) {
        return s.get(INT_LE, offset);
    }

    static float f32(MemorySegment s, long offset) {
        return s.get(FLOAT_LE, offset);
    }

    static void checkLength(GgmlType type, int n) {
        if (n < 0 || n % type.blockSize != 0) {
            throw new IllegalArgumentException(
                    "row length " + n + " is not a multiple of " + type + "'s block size " + type.blockSize);
        }
    }
}

package dev.hearth.tensor;

/** bfloat16: the top 16 bits of an IEEE float. */
public final class BFloat16 {
    private BFloat16() {}

    /** Exact widening: the bf16 bits become the float's upper half (ggml_compute_bf16_to_fp32). */
    public static float toFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /**
     * Narrowing as ggml does it (ggml-impl.h {@code ggml_compute_fp32_to_bf16}): round to nearest,
     * ties to even, by adding 0x7FFF plus the lowest kept bit; a NaN keeps its upper bits and gets the
     * quiet bit (0x40) forced so truncation cannot turn it into an infinity.
     */
    public static short fromFloat(float v) {
        int bits = Float.floatToRawIntBits(v);
        if ((bits & 0x7FFFFFFF) > 0x7F800000) {
            return (short) ((bits >>> 16) | 64);
        }
        return (short) ((bits + (0x7FFF + ((bits >>> 16) & 1))) >>> 16);
    }
}

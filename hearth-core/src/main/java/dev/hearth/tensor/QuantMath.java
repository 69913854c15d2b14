package dev.hearth.tensor;

/**
 * The rounding primitives ggml's quantizers are built from. Getting these bit-exact is what makes
 * Hearth's quantized files byte-identical to {@code llama-quantize}'s.
 */
final class QuantMath {
    private QuantMath() {}

    /**
     * ggml-quants.c {@code nearest_int}: adds 1.5·2^23 so the FPU's round-to-nearest-even does the
     * rounding, then reads the mantissa. For |x| ≤ 4194303 (ggml asserts this) that is exactly
     * {@link Math#rint}, ties to even.
     */
    static int nearestInt(float x) {
        return (int) Math.rint(x);
    }

    /**
     * C's {@code roundf}: nearest, ties away from zero (ggml's Q8_0/Q8_1 reference quantizers use it,
     * not nearest_int). {@code Math.round} rounds ties up, so round the magnitude and restore the sign.
     */
    static int roundHalfAway(float x) {
        int r = Math.round(Math.abs(x));
        return x < 0 ? -r : r;
    }

    /** The value an IEEE half stores for {@code v} (GGML_FP16_TO_FP32(GGML_FP32_TO_FP16(v))). */
    static float viaHalf(float v) {
        return Float.float16ToFloat(Float.floatToFloat16(v));
    }

    /** ggml-quants.c GROUP_MAX_EPS: below this a group's largest magnitude counts as all-zero. */
    static final float GROUP_MAX_EPS = 1e-15f;
}

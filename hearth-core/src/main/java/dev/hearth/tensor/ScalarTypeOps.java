package dev.hearth.tensor;

/**
 * The scalar reference implementations: plain loops that follow ggml's reference C line by line in
 * meaning. Slow; they exist so every vectorized kernel has something obviously right to be tested
 * against. Use {@link TypeOps#of} for real work.
 */
public final class ScalarTypeOps {
    private ScalarTypeOps() {}

    /** The reference implementation for {@code type}; IllegalArgumentException when Hearth has none. */
    public static TypeOps of(GgmlType type) {
        return switch (type) {
            case F32 -> new F32Ops();
            case F16 -> new F16Ops();
            case BF16 -> new BF16Ops();
            case Q4_0 -> new Q4_0Ops();
            case Q4_1 -> new Q4_1Ops();
            case Q5_0 -> new Q5_0Ops();
            case Q5_1 -> new Q5_1Ops();
            case Q8_0 -> new Q8_0Ops();
            case Q8_1 -> new Q8_1Ops();
            case Q2_K -> new Q2KOps();
            case Q3_K -> new Q3KOps();
            case Q4_K -> new Q4KOps();
            case Q5_K -> new Q5KOps();
            case Q6_K -> new Q6KOps();
            case Q8_K -> new Q8KOps();
            case Q8_K_WIDE -> new Q8KWideOps();
            case Q8_0_WIDE -> new Q8_0WideOps();
            case F16_WIDE -> new F16WideOps();
            case Q8_0_NIBBLE -> new Q8_0NibbleOps();
            default -> throw new IllegalArgumentException("unsupported tensor type " + type);
        };
    }
}

package dev.hearth.tensor;

/**
 * Registry of the vectorized implementations, one shared instance per type.
 *
 * <p>The kernels are written for 512-bit vectors. Where the CPU's preferred vectors are narrower
 * (no AVX-512) the Vector API would emulate them in Java, far slower than plain scalar code, so the
 * scalar reference is used instead; {@code -Dhearth.tensor.scalar=true} forces that too (for
 * debugging a suspected kernel bug).
 */
final class VectorTypeOps {
    private VectorTypeOps() {}

    static final boolean USE_VECTORS = !Boolean.getBoolean("hearth.tensor.scalar")
            && jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512;

    private static final TypeOps[] BY_TYPE = new TypeOps[GgmlType.values().length];
    private static final TypeOps[] REFERENCE = new TypeOps[GgmlType.values().length];

    static {
        for (GgmlType t : GgmlType.values()) {
            try {
                BY_TYPE[t.ordinal()] = create(t);
            } catch (IllegalArgumentException unsupported) {
                // stays null: of() reports it
            }
            try {
                REFERENCE[t.ordinal()] = ScalarTypeOps.of(t);
            } catch (IllegalArgumentException none) {
                REFERENCE[t.ordinal()] = BY_TYPE[t.ordinal()];
            }
        }
    }

    static TypeOps reference(GgmlType type) {
        TypeOps ops = REFERENCE[type.ordinal()];
        if (ops == null) throw new IllegalArgumentException("unsupported tensor type " + type);
        return ops;
    }

    static TypeOps of(GgmlType type) {
        TypeOps ops = BY_TYPE[type.ordinal()];
        if (ops == null) throw new IllegalArgumentException("unsupported tensor type " + type);
        return ops;
    }

    private static TypeOps create(GgmlType type) {
        if (!USE_VECTORS) return ScalarTypeOps.of(type);
        return switch (type) {
            case F32 -> new F32Ops.Vectorized();
            case F16 -> new F16Ops.Vectorized();
            case BF16 -> new BF16Ops.Vectorized();
            case Q4_0 -> new Q4_0Ops.Vectorized();
            case Q4_1 -> new Q4_1Ops.Vectorized();
            case Q5_0 -> new Q5_0Ops.Vectorized();
            case Q5_1 -> new Q5_1Ops.Vectorized();
            case Q8_0 -> new Q8_0Ops.Vectorized();
            case Q8_1 -> new Q8_1Ops.Vectorized();
            case Q2_K -> new Q2KOps.Vectorized();
            case Q3_K -> new Q3KOps.Vectorized();
            case Q4_K -> new Q4KOps.Vectorized();
            case Q5_K -> new Q5KOps.Vectorized();
            case Q6_K -> new Q6KOps.Vectorized();
            case Q8_K -> new Q8KOps.Vectorized();
            case Q8_K_WIDE -> new Q8KWideOps.Vectorized();
            case Q8_0_WIDE -> new Q8_0WideOps.Vectorized();
            case F16_WIDE -> new F16WideOps();
            case Q8_0_NIBBLE -> new Q8_0NibbleOps();
            case Q4_0_R16 -> new Q4_0R16Ops();
            default -> ScalarTypeOps.of(type);
        };
    }
}

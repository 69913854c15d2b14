package dev.hearth.tensor;

/** Registry of the vectorized implementations, one shared instance per type. */
final class VectorTypeOps {
    private VectorTypeOps() {}

    private static final TypeOps[] BY_ID = new TypeOps[64];

    static {
        for (GgmlType t : GgmlType.values()) {
            try {
                BY_ID[t.id] = create(t);
            } catch (IllegalArgumentException unsupported) {
                // stays null: of() reports it
            }
        }
    }

    static TypeOps of(GgmlType type) {
        TypeOps ops = BY_ID[type.id];
        if (ops == null) throw new IllegalArgumentException("unsupported tensor type " + type);
        return ops;
    }

    private static TypeOps create(GgmlType type) {
        return switch (type) {
            default -> ScalarTypeOps.of(type);
        };
    }
}

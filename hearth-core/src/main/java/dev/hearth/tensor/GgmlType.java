package dev.hearth.tensor;

/**
 * The tensor element formats of GGUF files, with ggml's numeric ids and block layouts.
 * Ids, block sizes and bytes per block are ggml's (ggml.h enum ggml_type, ggml.c type_traits).
 * A row of {@code n} elements of a block type takes {@code n / blockSize * blockBytes} bytes.
 */
public enum GgmlType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    Q4_0(2, 32, 18),
    Q4_1(3, 32, 20),
    Q5_0(6, 32, 22),
    Q5_1(7, 32, 24),
    Q8_0(8, 32, 34),
    Q8_1(9, 32, 36),
    Q2_K(10, 256, 84),
    Q3_K(11, 256, 110),
    Q4_K(12, 256, 144),
    Q5_K(13, 256, 176),
    Q6_K(14, 256, 210),
    Q8_K(15, 256, 292),
    IQ4_NL(20, 32, 18),
    I8(24, 1, 1),
    I16(25, 1, 2),
    I32(26, 1, 4),
    I64(27, 1, 8),
    F64(28, 1, 8),
    BF16(30, 1, 2),
    /**
     * Not a file format: Hearth's run-time encoding of activations for the Q4_K and Q6_K dots — Q8_K's
     * values widened to 16 bits and ordered as those kernels consume them ({@code Q8KWideOps}).
     * Its negative id keeps it out of every GGUF file.
     */
    Q8_K_WIDE(-1, 256, 704),
    /** Not a file format: Q8_0 activations widened to 16 bits with a float scale ({@code Q8_0WideOps}). */
    Q8_0_WIDE(-2, 32, 68),
    /** Not a file format: F16 activations held as the floats they round to ({@code F16WideOps}). */
    F16_WIDE(-3, 1, 4),
    /**
     * Not a file format: the Q4_0 dot's activations — Q8_0's run-time values as pre-scaled floats in
     * groups of four blocks ({@code Q8_0NibbleOps}).
     */
    Q8_0_NIBBLE(-4, 32, 256),
    /**
     * Not a file format: Q4_0 weights (the same 18-byte blocks) with the rows of a matrix regrouped at
     * load, 16 rows at a time and 2048 values at a time ({@code RowBlocks}), so that the generation
     * kernel reads memory in long runs while its activations stay in the L1 cache ({@code Q4_0R16Ops}).
     */
    Q4_0_R16(-5, 32, 18);

    public final int id;
    public final int blockSize;
    public final int blockBytes;

    GgmlType(int id, int blockSize, int blockBytes) {
        this.id = id;
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
    }

    private static final GgmlType[] BY_ID = new GgmlType[64];
    static {
        for (GgmlType t : values()) if (t.id >= 0) BY_ID[t.id] = t;
    }

    /** The type with ggml id {@code id}, or null when Hearth does not know it. */
    public static GgmlType byId(int id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
    }

    /** ggml's names for the ids of formats Hearth does not read (ggml.h), so a load error can name them. */
    private static final java.util.Map<Integer, String> OTHER_NAMES = java.util.Map.ofEntries(
            java.util.Map.entry(4, "Q4_2 (removed from ggml)"), java.util.Map.entry(5, "Q4_3 (removed from ggml)"),
            java.util.Map.entry(16, "IQ2_XXS"), java.util.Map.entry(17, "IQ2_XS"), java.util.Map.entry(18, "IQ3_XXS"),
            java.util.Map.entry(19, "IQ1_S"), java.util.Map.entry(21, "IQ3_S"), java.util.Map.entry(22, "IQ2_S"),
            java.util.Map.entry(23, "IQ4_XS"), java.util.Map.entry(29, "IQ1_M"), java.util.Map.entry(31, "Q4_0_4_4 (removed from ggml)"),
            java.util.Map.entry(32, "Q4_0_4_8 (removed from ggml)"), java.util.Map.entry(33, "Q4_0_8_8 (removed from ggml)"),
            java.util.Map.entry(34, "TQ1_0"), java.util.Map.entry(35, "TQ2_0"), java.util.Map.entry(39, "MXFP4"));

    /** A name for ggml type id {@code id}, known to Hearth or not: "Q4_K", "IQ2_XXS", or "#77". */
    public static String describe(int id) {
        GgmlType t = byId(id);
        if (t != null) return t.name();
        return OTHER_NAMES.getOrDefault(id, "#" + id);
    }

    /** Bytes taken by {@code n} elements; {@code n} must be a multiple of the block size. */
    public long bytesFor(long n) {
        return n / blockSize * blockBytes;
    }

    public boolean isQuantized() {
        return blockSize > 1;
    }
}

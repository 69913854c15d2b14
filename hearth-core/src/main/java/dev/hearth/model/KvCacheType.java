package dev.hearth.model;

import java.util.Locale;

/**
 * How the KV cache stores keys or values (llama.cpp's {@code --cache-type-k/-v}). F16 is llama.cpp's
 * default; Q8_0 keeps 32 values per 34-byte block (ggml's block_q8_0), 34/64 of F16's bytes.
 */
public enum KvCacheType {
    F16, Q8_0;

    /** The name llama.cpp's flags use ({@code f16}, {@code q8_0}). */
    public String flagName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a {@code -ctk/-ctv} value; other ggml types llama.cpp accepts are refused by name. */
    public static KvCacheType parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "f16" -> F16;
            case "q8_0" -> Q8_0;
            case "f32", "bf16", "q4_0", "q4_1", "iq4_nl", "q5_0", "q5_1" ->
                    throw new IllegalArgumentException("KV cache type '" + s + "' is not supported by Hearth (supported: f16, q8_0)");
            default -> throw new IllegalArgumentException("unknown KV cache type '" + s + "' (supported: f16, q8_0)");
        };
    }
}

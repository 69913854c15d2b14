package dev.hearth.tokenizer;

/**
 * Per-token attribute bits, the same values as llama.cpp's {@code llama_token_attr}, derived from
 * GGUF's {@code tokenizer.ggml.token_type} (see {@link #fromTokenType}) and then adjusted by
 * llama.cpp's load-time rules ({@link Vocabulary}).
 */
public final class TokenAttr {
    public static final int UNDEFINED = 0;
    public static final int UNKNOWN = 1;
    public static final int UNUSED = 1 << 1;
    public static final int NORMAL = 1 << 2;
    public static final int CONTROL = 1 << 3;
    public static final int USER_DEFINED = 1 << 4;
    public static final int BYTE = 1 << 5;
    public static final int NORMALIZED = 1 << 6;
    /** Whitespace before the token is removed when it is matched as a special token. */
    public static final int LSTRIP = 1 << 7;
    /** Whitespace after the token is removed when it is matched as a special token. */
    public static final int RSTRIP = 1 << 8;
    public static final int SINGLE_WORD = 1 << 9;

    private TokenAttr() {}

    /** GGUF token types (llama.cpp {@code llama_token_type}): 0 undefined, 1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte. */
    public static int fromTokenType(int type) {
        return switch (type) {
            case 1 -> NORMAL;
            case 2 -> UNKNOWN;
            case 3 -> CONTROL;
            case 4 -> USER_DEFINED;
            case 5 -> UNUSED;
            case 6 -> BYTE;
            default -> UNDEFINED;
        };
    }
}

package dev.hearth.tokenizer;

/** The GGUF names a tokenizer Hearth does not implement, or its tokenizer metadata is unusable. */
public final class UnsupportedTokenizerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnsupportedTokenizerException(String message) {
        super(message);
    }
}

package dev.hearth.gguf;

/** A GGUF file that cannot be used; the message names the file and the problem, for a user to act on. */
public final class GgufFormatException extends RuntimeException {
    public GgufFormatException(String message) {
        super(message);
    }
}

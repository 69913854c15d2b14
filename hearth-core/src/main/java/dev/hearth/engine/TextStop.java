package dev.hearth.engine;

/**
 * A stop rule that reads the text generated so far, for rules richer than stop strings (the server's
 * code-aware stop for fill-in-the-middle: end the infill once the hole's scope is closed). Called
 * after every token with everything generated.
 */
@FunctionalInterface
public interface TextStop {
    /**
     * @param stop   end the generation, keeping the first {@code length} characters
     * @param length when not stopping: how much may be sent to the client already (the rest could
     *               still be cut by a later decision)
     */
    record Decision(boolean stop, int length) {}

    Decision decide(CharSequence generated);
}

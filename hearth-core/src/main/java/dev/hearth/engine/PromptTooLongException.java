package dev.hearth.engine;

/** The prompt does not fit a slot's context; the engine never truncates it silently. */
public final class PromptTooLongException extends RuntimeException {
    public final int promptTokens;
    public final int contextSize;

    public PromptTooLongException(int promptTokens, int contextSize) {
        super("the request exceeds the available context size: the prompt has " + promptTokens
                + " tokens and a slot's context holds " + contextSize + "; shorten the prompt or increase the context (-c)");
        this.promptTokens = promptTokens;
        this.contextSize = contextSize;
    }
}

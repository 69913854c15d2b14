package dev.hearth.engine;

/**
 * Receives a generation's output. Called on the scheduler thread: implementations must return at
 * once (hand the event to another thread, e.g. through a queue) and never block.
 */
public interface CompletionListener {
    /** Newly released text (never a partial stop string) with the tokens sampled since the last event. */
    void onPartial(TokenEvent event);

    /** The generation ended; the last call for this request. */
    void onDone(CompletionResult result);

    /** The generation failed or the engine shut down; the last call for this request. */
    void onError(String message);
}

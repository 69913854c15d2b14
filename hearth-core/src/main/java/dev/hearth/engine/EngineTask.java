package dev.hearth.engine;

/** A submitted request: its id and a handle to cancel it (for example when the client went away). */
public final class EngineTask {
    final long id;
    final CompletionRequest request;
    final CompletionListener listener;
    private final Engine engine;
    volatile boolean cancelled;

    EngineTask(long id, CompletionRequest request, CompletionListener listener, Engine engine) {
        this.id = id;
        this.request = request;
        this.listener = listener;
        this.engine = engine;
    }

    public long id() { return id; }

    /** Stops the generation and frees its slot at the scheduler's next step; no further listener calls. */
    public void cancel() {
        cancelled = true;
        engine.wake();
    }
}

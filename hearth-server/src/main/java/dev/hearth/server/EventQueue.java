package dev.hearth.server;

import dev.hearth.engine.CompletionListener;
import dev.hearth.engine.CompletionResult;
import dev.hearth.engine.TokenEvent;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The hand-over between the scheduler thread (which must never block) and the request's virtual
 * thread (which writes to the client and may block): the engine's calls become queued items.
 */
final class EventQueue implements CompletionListener {
    /** an engine error, as a queued item */
    record Failure(String message) { }

    private final LinkedBlockingQueue<Object> items = new LinkedBlockingQueue<>();

    @Override
    public void onPartial(TokenEvent event) { items.add(event); }

    @Override
    public void onDone(CompletionResult result) { items.add(result); }

    @Override
    public void onError(String message) { items.add(new Failure(message)); }

    /** The next item: a {@link TokenEvent}, then finally a {@link CompletionResult} or a {@link Failure}. */
    Object take() throws InterruptedException {
        return items.take();
    }
}

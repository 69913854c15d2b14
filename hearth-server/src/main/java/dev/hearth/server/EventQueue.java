package dev.hearth.server;

import dev.hearth.engine.CompletionListener;
import dev.hearth.engine.CompletionResult;
import dev.hearth.engine.TokenEvent;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The hand-over between the scheduler thread (which must never block) and the request's virtual
 * thread (which writes to the client and may block): the engine's calls become queued items. One
 * queue serves all the prompts of a request; {@link #listener(int)} tags each prompt's items.
 */
final class EventQueue {
    /** One engine call for prompt {@code index}: a {@link TokenEvent}, {@link CompletionResult} or {@link Failure}. */
    record Item(int index, Object payload) { }

    /** an engine error, as a queued payload */
    record Failure(String message) { }

    /** the payload queued when the client has closed its connection */
    static final Object CLIENT_GONE = new Object();

    private final LinkedBlockingQueue<Item> items = new LinkedBlockingQueue<>();
    private final boolean partials;

    /** @param partials keep the token events (a stream); without, only the ends are queued */
    EventQueue(boolean partials) {
        this.partials = partials;
    }

    CompletionListener listener(int index) {
        return new CompletionListener() {
            @Override public void onPartial(TokenEvent event) { if (partials) items.add(new Item(index, event)); }
            @Override public void onDone(CompletionResult result) { items.add(new Item(index, result)); }
            @Override public void onError(String message) { items.add(new Item(index, new Failure(message))); }
        };
    }

    /** Wakes the request's thread: its client has gone. */
    void clientGone() {
        items.add(new Item(-1, CLIENT_GONE));
    }

    Item take() throws InterruptedException {
        return items.take();
    }
}

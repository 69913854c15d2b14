package dev.hearth.engine;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;

/** Counters behind llama-server's {@code /metrics}. */
public final class EngineMetrics {
    public final AtomicLong promptTokens = new AtomicLong();
    public final DoubleAdder promptSeconds = new DoubleAdder();
    public final AtomicLong predictedTokens = new AtomicLong();
    public final DoubleAdder predictedSeconds = new DoubleAdder();
    public final AtomicLong decodeCalls = new AtomicLong();
    public final AtomicLong busySlotsSum = new AtomicLong();
    public final AtomicLong maxTokens = new AtomicLong();
    public final AtomicLong completed = new AtomicLong();
    public final AtomicLong cancelled = new AtomicLong();

    void recordStep(int slots, int tokens) {
        decodeCalls.incrementAndGet();
        busySlotsSum.addAndGet(slots);
        maxTokens.accumulateAndGet(tokens, Math::max);
    }

    void recordDone(CompletionResult r) {
        completed.incrementAndGet();
        promptTokens.addAndGet(r.promptN());
        promptSeconds.add(r.promptMs() / 1000);
        predictedTokens.addAndGet(r.predictedN());
        predictedSeconds.add(r.predictedMs() / 1000);
    }
}

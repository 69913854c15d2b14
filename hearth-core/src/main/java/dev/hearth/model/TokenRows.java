package dev.hearth.model;

import dev.hearth.tensor.ComputePool;
import java.util.function.IntConsumer;

/**
 * Work done token by token between the matrix products (norms, activation functions, residual additions), shared out
 * over the pool by token for a prompt batch. Each token's work touches only that token's rows, so the result is the
 * same whichever thread does it. On the caller alone, these loops left the pool's other thread waiting: 1B Q4_0 pp512,
 * two threads, wall-clock samples: the caller's rmsNorm, swiglu and residual additions took ~2% of its time while the
 * other thread waited in the pool.
 */
final class TokenRows {
    private TokenRows() {}

    /**
     * {@code body.accept(t)} for every token t &lt; n, each thread taking a contiguous run of tokens when the batch has
     * enough values ({@code n × width}) to pay for the hand-off, the caller alone otherwise.
     */
    static void each(ComputePool pool, int n, int width, IntConsumer body) {
        pool.run((long) n * width, (t, nt) -> {
            for (int i = ComputePool.split(n, t, nt), end = ComputePool.split(n, t + 1, nt); i < end; i++) body.accept(i);
        });
    }
}

package dev.hearth.engine;

/**
 * What verifying drafted tokens costs on this model and machine, learnt from the steps that ran: a
 * generation step of {@code 1 + e} tokens (fed tokenwise) takes about {@code plain + e·extra} nanoseconds.
 * On a big model with memory-bound single steps and compute-bound extra tokens {@code extra} is a large
 * part of {@code plain}; on a small one most of a step is fixed overhead and extra tokens are nearly free.
 * Used from one thread (the scheduler, or the CLI's loop).
 */
public final class DraftCost {
    /** Weight of a slower measurement in the running estimates. */
    private static final double RATE = 0.2;
    private double plain = -1, extra = -1;

    /** Records a generation step that fed {@code 1 + extraTokens} tokens in {@code nanos}. */
    public void record(int extraTokens, long nanos) {
        if (extraTokens == 0) {
            plain = update(plain, nanos);
        } else if (plain > 0) {
            extra = update(extra, Math.max(0, (nanos - plain) / extraTokens));
        }
    }

    /**
     * A faster measurement replaces the estimate, a slower one moves it a fifth of the way: the first
     * steps run before the JIT compiled them and the machine's noise only ever adds time, while the
     * real cost drifts up slowly as the context grows.
     */
    private static double update(double estimate, double sample) {
        return estimate < 0 || sample < estimate ? sample : estimate + RATE * (sample - estimate);
    }

    /** The measured cost of a plain step, or -1 before one was timed. */
    public double plainNanos() { return plain; }

    /** The measured cost of one more token in a step, or -1 before a step with drafts was timed. */
    public double extraNanos() { return extra; }
}

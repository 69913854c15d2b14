package dev.hearth.model;

import dev.hearth.tensor.ComputePool;

/**
 * One sub-layer on the residual stream: attention (plain or, later, MLA) or a feed-forward network
 * (dense or mixture-of-experts). It reads the batch's normalized rows from {@code io} (embd floats per
 * token) and overwrites them with its output; the layer adds that to the residual.
 */
interface Block {
    void forward(ComputePool pool, Workspace ws, Batch b, int layer, float[] io);

    /** A one-line summary of what this block computes and with which options (for {@code hearth inspect}). */
    default String describe() {
        return getClass().getSimpleName();
    }
}

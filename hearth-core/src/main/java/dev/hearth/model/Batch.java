package dev.hearth.model;

/**
 * The tokens of one forward step, which may belong to several sessions: token i goes into
 * {@code caches[i]} at position {@code positions[i]}. The tokens of one session are contiguous and in
 * position order, so that a token attends to the ones before it in the same step. {@code logitRows}
 * lists the token indices whose next-token logits are wanted (in that order).
 */
record Batch(int[] tokens, KvCache[] caches, int[] positions, int[] logitRows) {
    int size() {
        return tokens.length;
    }
}

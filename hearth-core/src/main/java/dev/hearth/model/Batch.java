package dev.hearth.model;

/**
 * The tokens of one forward step, which may belong to several sessions: token i goes into
 * {@code caches[i]} at position {@code positions[i]}. The tokens of one session are contiguous and in
 * position order, so that a token attends to the ones before it in the same step. {@code logitRows}
 * lists the token indices whose next-token logits are wanted (in that order).
 *
 * <p>With {@code tokenwise}, every token is computed with the arithmetic of a step that holds only
 * that token: integer dots per token instead of the prompt GEMM, and the attention flavour a one-token
 * step would take. Its logits are then the very bits feeding the tokens one at a time gives, which is
 * what lets speculative decoding verify several drafted tokens in one step and still produce exactly
 * the output of plain decoding.
 */
record Batch(int[] tokens, KvCache[] caches, int[] positions, int[] logitRows, boolean tokenwise) {
    Batch(int[] tokens, KvCache[] caches, int[] positions, int[] logitRows) {
        this(tokens, caches, positions, logitRows, false);
    }

    int size() {
        return tokens.length;
    }
}

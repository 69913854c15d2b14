package dev.hearth.model;

import dev.hearth.tensor.ComputePool;
import dev.hearth.tensor.EncodedRows;

/**
 * One conversation with a model: its KV cache, the number of positions filled, and the scratch
 * buffers of the forward pass (allocated once, sized for {@link #maxBatch} tokens per step).
 */
public final class Session {
    final LlamaModel model;
    final ComputePool pool;
    final KvCache cache;
    final int maxBatch;
    private int position;

    final float[] x, xb, q, k, v, att, gate, up;
    final float[] cos, sin;
    final float[][] scores, qHead;
    final EncodedRows enc = new EncodedRows();
    float[] logits;

    public Session(LlamaModel model, ComputePool pool, int contextSize, int maxBatch) {
        ModelConfig c = model.config;
        this.model = model;
        this.pool = pool;
        this.cache = new KvCache(c, contextSize);
        this.maxBatch = maxBatch;
        int B = maxBatch;
        x = new float[B * c.embd()];
        xb = new float[B * Math.max(c.embd(), c.vocab() > 0 ? c.embd() : 0)];
        q = new float[B * c.qDim()];
        k = new float[B * c.kvDimK()];
        v = new float[B * c.kvDimV()];
        att = new float[B * c.heads() * c.headDimV()];
        gate = new float[B * c.ffn()];
        up = new float[B * c.ffn()];
        cos = new float[c.ropeDim() / 2];
        sin = new float[c.ropeDim() / 2];
        scores = new float[pool.threads()][contextSize];
        qHead = new float[pool.threads()][c.headDimK()];
        logits = new float[c.vocab()];
    }

    /**
     * One decoding step for several sessions of the same model: appends {@code tokens[i]} to
     * {@code sessions[i]} and returns, for each, the logits after its last token (a fresh array per
     * session). This is what continuous batching calls every step.
     */
    public static float[][] feedAll(Session[] sessions, int[][] tokens) {
        if (sessions.length != tokens.length) throw new IllegalArgumentException("one token list per session");
        float[][] out = new float[sessions.length][];
        for (int i = 0; i < sessions.length; i++) out[i] = sessions[i].feed(tokens[i]).clone();
        return out;
    }

    public int position() {
        return position;
    }

    public int contextSize() {
        return cache.capacity();
    }

    /** Forgets every position from {@code pos} on (the cache keeps the prefix before it). */
    public void truncate(int pos) {
        if (pos < 0 || pos > position) throw new IllegalArgumentException("cannot truncate to " + pos + " of " + position);
        position = pos;
    }

    /**
     * Feeds {@code tokens} (in batches of at most maxBatch) and returns the logits after the last one.
     * The returned array is owned by the session and overwritten by the next call.
     */
    public float[] feed(int[] tokens) {
        return feed(tokens, false);
    }

    /**
     * Feeds {@code tokens}; with {@code allLogits} returns the logits of every fed position
     * ({@code tokens.length × vocab}, row-major), else only of the last one.
     */
    public float[] feed(int[] tokens, boolean allLogits) {
        if (tokens.length == 0) throw new IllegalArgumentException("no tokens to feed");
        if (position + tokens.length > contextSize())
            throw new IllegalArgumentException("context full: " + (position + tokens.length) + " tokens do not fit in a context of " + contextSize());
        int vocab = model.config.vocab();
        for (int t : tokens) if (t < 0 || t >= vocab) throw new IllegalArgumentException("token id " + t + " is outside the vocabulary (0.." + (vocab - 1) + ")");
        float[] all = allLogits ? new float[tokens.length * vocab] : null;
        for (int off = 0; off < tokens.length; off += maxBatch) {
            int n = Math.min(maxBatch, tokens.length - off);
            int rows = allLogits ? n : (off + n == tokens.length ? 1 : 0);
            if (rows > 0 && logits.length < rows * vocab) logits = new float[rows * vocab];
            model.forward(this, tokens, off, n, position, rows);
            position += n;
            if (allLogits) System.arraycopy(logits, 0, all, off * vocab, n * vocab);
        }
        if (allLogits) return all;
        return logits.length == vocab ? logits : java.util.Arrays.copyOf(logits, vocab);
    }
}

package dev.hearth.model;

import dev.hearth.tensor.ComputePool;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One conversation with a model: its KV cache and the number of positions filled. Feeding tokens
 * runs them through the model in steps of at most {@code maxBatch} tokens; several sessions can be
 * fed in one step ({@link #feedAll}), sharing every weight read.
 */
public final class Session {
    final Model model;
    final ComputePool pool;
    final KvCache cache;
    private final int maxBatch;
    private Workspace workspace; // allocated on first use: idle server slots hold only their cache
    private int position;

    public Session(Model model, ComputePool pool, int contextSize, int maxBatch) {
        this(model, pool, contextSize, maxBatch, CacheOptions.DEFAULT);
    }

    /** A session whose attention and KV cache follow {@code options} (flash attention, cache types). */
    public Session(Model model, ComputePool pool, int contextSize, int maxBatch, CacheOptions options) {
        this(model, pool, contextSize, maxBatch, options, false);
    }

    /** With {@code swaFull} (llama.cpp's --swa-full) sliding-window layers keep every position too. */
    Session(Model model, ComputePool pool, int contextSize, int maxBatch, CacheOptions options, boolean swaFull) {
        if (contextSize < 1) throw new IllegalArgumentException("context size must be at least 1, got " + contextSize);
        if (maxBatch < 1) throw new IllegalArgumentException("batch size must be at least 1, got " + maxBatch);
        this.model = model;
        this.pool = pool;
        this.cache = new KvCache(model.config, contextSize, options, swaFull ? null : model.slidingWindows(), maxBatch);
        this.maxBatch = maxBatch;
    }

    private Workspace workspace() {
        if (workspace == null) workspace = new Workspace(model.config, pool.threads(), maxBatch, cache.capacity());
        return workspace;
    }

    public int position() {
        return position;
    }

    public CacheOptions cacheOptions() {
        return cache.options();
    }

    /** Bytes the KV cache occupies. */
    public long cacheBytes() {
        return cache.bytes();
    }

    public int contextSize() {
        return cache.capacity();
    }

    /** Forgets every position from {@code pos} on (the cache keeps the prefix before it); see {@link #canTruncate}. */
    public void truncate(int pos) {
        if (pos < 0 || pos > position) throw new IllegalArgumentException("cannot truncate to " + pos + " of " + position);
        cache.truncate(pos);
        position = pos;
    }

    /**
     * Whether {@link #truncate} can go back to {@code pos}: always, except with sliding-window layers, whose
     * cache keeps only the recent positions (a prompt-cache hit older than that must be evaluated again).
     */
    public boolean canTruncate(int pos) {
        return pos >= 0 && pos <= position && cache.canTruncate(pos);
    }

    /**
     * Feeds {@code tokens} and returns the logits after the last one. The returned array is owned by
     * the session and overwritten by the next call.
     */
    public float[] feed(int[] tokens) {
        return feed(tokens, false);
    }

    /**
     * Feeds {@code tokens}; with {@code allLogits} returns the logits of every fed position
     * ({@code tokens.length × vocab}, row-major, a new array), else only of the last one.
     */
    public float[] feed(int[] tokens, boolean allLogits) {
        return feed(tokens, allLogits, false);
    }

    /**
     * Feeds {@code tokens} as if one at a time, in fewer steps: every token is computed with the
     * arithmetic of a one-token step ({@link Batch#tokenwise()}), so the logits of every position
     * ({@code tokens.length × vocab}, a new array) are bit for bit those that feeding the tokens one by
     * one gives. This is how speculative decoding verifies drafted tokens.
     */
    public float[] feedTokenwise(int[] tokens) {
        return feed(tokens, true, true);
    }

    private float[] feed(int[] tokens, boolean allLogits, boolean tokenwise) {
        check(tokens);
        int vocab = model.config.vocab();
        Workspace ws = workspace();
        float[] all = allLogits ? new float[tokens.length * vocab] : null;
        for (int off = 0; off < tokens.length; off += maxBatch) {
            int n = Math.min(maxBatch, tokens.length - off);
            boolean last = off + n == tokens.length;
            int[] rows = allLogits ? range(n) : last ? new int[] {n - 1} : new int[0];
            KvCache[] caches = new KvCache[n];
            Arrays.fill(caches, cache);
            int[] positions = new int[n];
            for (int i = 0; i < n; i++) positions[i] = position + i;
            model.forward(pool, ws, new Batch(Arrays.copyOfRange(tokens, off, off + n), caches, positions, rows, tokenwise));
            position += n;
            if (allLogits) System.arraycopy(ws.logits, 0, all, off * vocab, n * vocab);
        }
        return allLogits ? all : ws.logits.length == vocab ? ws.logits : Arrays.copyOf(ws.logits, vocab);
    }

    /**
     * One decoding step for several sessions of the same model, sharing every weight read: appends
     * {@code tokens[i]} to {@code sessions[i]} and returns, for each, the logits after its last token
     * (a fresh array per session). This is what continuous batching calls every step. Sessions may be
     * given no tokens (an empty array): they are skipped and get null.
     */
    public static float[][] feedAll(Session[] sessions, int[][] tokens) {
        int[] last = new int[sessions.length];
        Arrays.fill(last, 1);
        return feedAll(sessions, tokens, last, false);
    }

    /**
     * As {@link #feedAll(Session[], int[][])}, but returns for session i the logits of its last
     * {@code logitCounts[i]} tokens ({@code count × vocab}, row-major; null when it was given no tokens),
     * and with {@code tokenwise} computes every token as a one-token step would ({@link #feedTokenwise}).
     */
    public static float[][] feedAll(Session[] sessions, int[][] tokens, int[] logitCounts, boolean tokenwise) {
        if (sessions.length != tokens.length || sessions.length != logitCounts.length) throw new IllegalArgumentException("one token list and one logit count per session");
        if (sessions.length == 0) return new float[0][];
        Session lead = sessions[0];
        int maxContext = 0;
        for (int i = 0; i < sessions.length; i++) {
            if (sessions[i].model != lead.model || sessions[i].pool != lead.pool || !sessions[i].cache.options.equals(lead.cache.options))
                throw new IllegalArgumentException("sessions of one step must share the model, the compute pool and the cache options");
            if (tokens[i].length > 0) sessions[i].check(tokens[i]);
            if (logitCounts[i] < 1) throw new IllegalArgumentException("logit count must be at least 1, got " + logitCounts[i]);
            maxContext = Math.max(maxContext, sessions[i].contextSize());
        }
        Workspace ws = lead.workspace();
        ws.ensureContext(maxContext);
        int vocab = lead.model.config.vocab();
        float[][] out = new float[sessions.length][];

        // flatten (session, token) in session order, then run in steps of at most maxBatch tokens
        List<int[]> items = new ArrayList<>(); // {session, index in its tokens}
        for (int i = 0; i < sessions.length; i++)
            for (int j = 0; j < tokens[i].length; j++) items.add(new int[] {i, j});
        for (int off = 0; off < items.size(); off += lead.maxBatch) {
            int n = Math.min(lead.maxBatch, items.size() - off);
            int[] toks = new int[n], positions = new int[n];
            KvCache[] caches = new KvCache[n];
            List<Integer> rows = new ArrayList<>(), rowItem = new ArrayList<>();
            for (int t = 0; t < n; t++) {
                int[] it = items.get(off + t);
                Session s = sessions[it[0]];
                toks[t] = tokens[it[0]][it[1]];
                caches[t] = s.cache;
                positions[t] = s.position + it[1];
                if (it[1] >= tokens[it[0]].length - logitCounts[it[0]]) {
                    rows.add(t);
                    rowItem.add(off + t);
                }
            }
            lead.model.forward(lead.pool, ws, new Batch(toks, caches, positions, rows.stream().mapToInt(Integer::intValue).toArray(), tokenwise));
            for (int r = 0; r < rows.size(); r++) {
                int[] it = items.get(rowItem.get(r));
                int count = Math.min(logitCounts[it[0]], tokens[it[0]].length), row = it[1] - (tokens[it[0]].length - count);
                if (out[it[0]] == null) out[it[0]] = new float[count * vocab];
                System.arraycopy(ws.logits, r * vocab, out[it[0]], row * vocab, vocab);
            }
        }
        for (int i = 0; i < sessions.length; i++) sessions[i].position += tokens[i].length;
        return out;
    }

    private void check(int[] tokens) {
        if (tokens.length == 0) throw new IllegalArgumentException("no tokens to feed");
        if (position + tokens.length > contextSize())
            throw new IllegalArgumentException("context full: " + (position + tokens.length) + " tokens do not fit in a context of " + contextSize());
        int vocab = model.config.vocab();
        for (int t : tokens) if (t < 0 || t >= vocab) throw new IllegalArgumentException("token id " + t + " is outside the vocabulary (0.." + (vocab - 1) + ")");
    }

    private static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) r[i] = i;
        return r;
    }
}

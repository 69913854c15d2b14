package dev.hearth.sampling;

import java.util.Arrays;

/**
 * The working set of the sampler chain (llama.cpp's {@code llama_token_data_array}): token ids with
 * their logits and, once {@link #softmax()} ran, probabilities. Stages shrink {@link #size} and may
 * sort; {@link #sorted} says whether entries are in descending logit order (ties: lower id first).
 */
public final class Candidates {
    public final int[] ids;
    public final float[] logits;
    public final float[] probs;
    public int size;
    public boolean sorted;
    /** Set by a stage that picks the token itself (mirostat); -1 otherwise. */
    public int selected = -1;
    private long[] keys = new long[0];

    public Candidates(int capacity) {
        ids = new int[capacity];
        logits = new float[capacity];
        probs = new float[capacity];
    }

    /** Loads the full vocabulary's logits. */
    public void reset(float[] rawLogits, int vocab) {
        for (int i = 0; i < vocab; i++) { ids[i] = i; logits[i] = rawLogits[i]; probs[i] = 0f; }
        size = vocab;
        sorted = false;
        selected = -1;
    }

    /** Sorts descending by logit (ties by id) and keeps the first {@code k} (all when k ≥ size). */
    public void sortAndKeep(int k) {
        k = Math.min(k, size);
        if (!sorted) {
            if (keys.length < size) keys = new long[size];
            for (int i = 0; i < size; i++) keys[i] = key(logits[i], ids[i]);
            // a full sort is cheap for small vocabularies; for big ones with small k a heap selection is not worth
            // the code here: Arrays.sort on longs handles 150k entries in a few milliseconds
            Arrays.sort(keys, 0, size);
            for (int i = 0; i < k; i++) {
                int id = (int) keys[i];
                ids[i] = id;
            }
            // logits must follow the ids; rebuild them from the keys
            for (int i = 0; i < k; i++) logits[i] = unkey(keys[i]);
            sorted = true;
        }
        size = k;
    }

    /**
     * Probabilities from logits, sorted first, in llama.cpp's float arithmetic (max subtracted, float
     * sum, float division) so that thresholds on them fall where llama.cpp's do.
     */
    public void softmax() {
        if (!sorted) sortAndKeep(size);
        float max = logits[0];
        float sum = 0;
        for (int i = 0; i < size; i++) {
            float p = (float) Math.exp(logits[i] - max);
            probs[i] = p;
            sum += p;
        }
        for (int i = 0; i < size; i++) probs[i] /= sum;
    }

    /** Index of the largest logit (first on ties, lowest id when unsorted ids are ascending). */
    public int argmax() {
        if (sorted) return 0;
        int best = 0;
        for (int i = 1; i < size; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }

    // ascending order of the key = descending logit, then ascending id: the float's bits made
    // order-preserving as a signed int, negated, in the high half; the id in the low half
    private static long key(float logit, int id) {
        int bits = Float.floatToIntBits(logit);
        int ordered = bits ^ ((bits >> 31) & 0x7fffffff);
        return ((long) ~ordered << 32) | (id & 0xffffffffL);
    }

    private static float unkey(long key) {
        int ordered = ~(int) (key >> 32);
        int bits = ordered ^ ((ordered >> 31) & 0x7fffffff);
        return Float.intBitsToFloat(bits);
    }
}

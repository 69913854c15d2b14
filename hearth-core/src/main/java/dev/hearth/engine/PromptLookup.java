package dev.hearth.engine;

/**
 * Draft tokens from the context itself (prompt-lookup decoding; llama.cpp's ngram-simple): find the most
 * recent earlier place where the last {@code ngram} tokens occurred, and propose the tokens that followed
 * them there. Text that quotes or edits its prompt (code changes, infill, summaries, a story told again)
 * repeats long runs of it, and those runs come back as drafts.
 */
public final class PromptLookup {
    private PromptLookup() {}

    /**
     * Up to {@code max} tokens that followed the latest earlier occurrence of {@code history[length-ngram, length)}
     * in {@code history[0, length)}; empty when there is none (or {@code length <= ngram}).
     */
    public static int[] draft(int[] history, int length, int ngram, int max) {
        if (max <= 0 || length <= ngram) return new int[0];
        int key = length - ngram;
        // candidate start s < key, latest first: history[s, s+ngram) == history[key, length)
        for (int s = key - 1; s >= 0; s--) {
            int j = 0;
            while (j < ngram && history[s + j] == history[key + j]) j++;
            if (j < ngram) continue;
            int from = s + ngram, n = Math.min(max, length - from);
            int[] d = new int[n];
            System.arraycopy(history, from, d, 0, n);
            return d;
        }
        return new int[0];
    }
}

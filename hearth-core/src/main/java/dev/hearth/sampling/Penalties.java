package dev.hearth.sampling;

/**
 * Repetition penalties over the last {@code penaltyLastN} tokens (llama.cpp's penalties sampler):
 * a repeated token's logit is divided by {@code repeat} (multiplied when negative), then lowered by
 * {@code count × frequency + present}.
 */
final class Penalties {
    private Penalties() { }

    static void apply(Candidates c, TokenHistory history, SamplingSettings s) {
        if (s.penaltyLastN == 0 || (s.penaltyRepeat == 1f && s.penaltyFrequency == 0f && s.penaltyPresent == 0f)) return;
        java.util.HashMap<Integer, Integer> counts = new java.util.HashMap<>();
        int n = history.size();
        int from = s.penaltyLastN < 0 ? 0 : Math.max(0, n - s.penaltyLastN);
        for (int i = from; i < n; i++) counts.merge(history.get(i), 1, Integer::sum);
        if (counts.isEmpty()) return;
        for (int i = 0; i < c.size; i++) {
            Integer count = counts.get(c.ids[i]);
            if (count == null) continue;
            float l = c.logits[i];
            l = l <= 0 ? l * s.penaltyRepeat : l / s.penaltyRepeat;
            l -= count * s.penaltyFrequency + s.penaltyPresent;
            c.logits[i] = l;
        }
        c.sorted = false;
    }
}

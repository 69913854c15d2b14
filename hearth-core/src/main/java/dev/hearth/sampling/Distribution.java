package dev.hearth.sampling;

/**
 * The final draws of llama.cpp's chain, reproduced draw for draw: the dist sampler (unnormalised
 * float probabilities summed in double, target {@code sum × uniform}) and std::discrete_distribution
 * (used by mirostat: normalised cumulative probabilities, first one ≥ uniform).
 */
final class Distribution {
    private Distribution() { }

    /** llama.cpp's dist sampler; also fills {@link Candidates#probs}. Returns the chosen index. */
    static int dist(Candidates c, Mt19937 rng) {
        double rnd = rng.nextDouble();
        if (c.size == 1) { c.probs[0] = 1f; return 0; }
        float max = c.logits[0];
        for (int i = 1; i < c.size; i++) max = Math.max(max, c.logits[i]);
        double sum = 0;
        for (int i = 0; i < c.size; i++) {
            float p = (float) Math.exp(c.logits[i] - max);
            c.probs[i] = p;
            sum += p;
        }
        double target = sum * rnd, run = 0;
        int selected = -1;
        for (int i = 0; i < c.size; i++) {
            if (selected < 0) {
                run += c.probs[i];
                if (run >= target) selected = i;
            }
            c.probs[i] = (float) (c.probs[i] / sum);
        }
        return selected < 0 ? c.size - 1 : selected;
    }

    /** std::discrete_distribution over the candidates' probabilities (expects {@link Candidates#softmax()}). */
    static int discrete(Candidates c, Mt19937 rng) {
        if (c.size < 2) return 0; // libstdc++ answers a single outcome without drawing
        double sum = 0;
        for (int i = 0; i < c.size; i++) sum += c.probs[i];
        double u = rng.nextDouble(), cum = 0;
        for (int i = 0; i < c.size - 1; i++) {
            cum += c.probs[i] / sum;
            if (cum >= u) return i;
        }
        return c.size - 1;
    }
}

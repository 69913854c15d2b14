package dev.hearth.sampling;

/**
 * Temperature, with llama.cpp's dynamic variant: with {@code range > 0} the temperature moves
 * between {@code temp ± range} with the normalised entropy of the candidates raised to
 * {@code exponent}. A temperature ≤ 0 keeps only the most likely token (greedy).
 */
final class Temperature {
    private Temperature() { }

    static void apply(Candidates c, float temp, float range, float exponent) {
        if (range > 0f) {
            float minTemp = Math.max(0f, temp - range), maxTemp = temp + range;
            if (c.size <= 1) return;
            // float arithmetic, as llama.cpp computes it
            float maxEntropy = -(float) Math.log(1f / c.size);
            c.softmax();
            float entropy = 0;
            for (int i = 0; i < c.size; i++) if (c.probs[i] > 0) entropy -= c.probs[i] * (float) Math.log(c.probs[i]);
            float normalized = entropy / maxEntropy;
            temp = minTemp + (maxTemp - minTemp) * (float) Math.pow(normalized, exponent);
        }
        if (temp <= 0f) {
            int best = c.argmax();
            for (int i = 0; i < c.size; i++) if (i != best) c.logits[i] = Float.NEGATIVE_INFINITY;
            return;
        }
        if (temp == 1f) return;
        for (int i = 0; i < c.size; i++) c.logits[i] /= temp;
    }
}

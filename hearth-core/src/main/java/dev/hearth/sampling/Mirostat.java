package dev.hearth.sampling;

/**
 * Mirostat 1 and 2 (llama.cpp's samplers of that name): they pick the token themselves, steering the
 * surprise ({@code -log2 p}) of sampled tokens toward {@code tau} by adapting a bound {@code mu}
 * (starting at 2τ) with learning rate {@code eta}.
 */
final class Mirostat {
    private final int version;
    private final float tau, eta;
    private final int m = 100;
    private final int vocab;
    private float mu;

    Mirostat(int version, float tau, float eta, int vocab) {
        this.version = version;
        this.tau = tau;
        this.eta = eta;
        this.vocab = vocab;
        this.mu = 2 * tau;
    }

    // float arithmetic throughout, as llama.cpp computes it: k and the truncation are thresholds
    void apply(Candidates c, Mt19937 random) {
        c.softmax();
        if (version == 1) {
            // estimate the Zipf exponent from the top m probabilities, then the k that gives surprise mu
            float sumTiBi = 0, sumTiSq = 0;
            for (int i = 0; i < m - 1 && i < c.size - 1; i++) {
                float ti = (float) Math.log((float) (i + 2) / (float) (i + 1));
                float bi = (float) Math.log(c.probs[i] / c.probs[i + 1]);
                sumTiBi += ti * bi;
                sumTiSq += ti * ti;
            }
            float sHat = sumTiBi / sumTiSq;
            float eps = sHat - 1;
            float k = (float) Math.pow((eps * (float) Math.pow(2, mu)) / (1 - (float) Math.pow(vocab, -eps)), 1 / sHat);
            Truncation.topK(c, Math.max(x86Int(k), 1));
            c.softmax();
        } else {
            int keep = 0;
            while (keep < c.size && -log2(c.probs[keep]) <= mu) keep++;
            c.size = Math.max(1, keep);
            c.softmax();
        }
        int idx = Distribution.discrete(c, random);
        float surprise = -log2(c.probs[idx]);
        mu = mu - eta * (surprise - tau);
        c.selected = idx;
    }

    /**
     * C's {@code int(k)} as x86 computes it: a value out of int range (or NaN) becomes INT_MIN, so
     * llama.cpp's {@code max(int(k), 1)} then keeps one candidate, where Java's cast would keep all.
     */
    private static int x86Int(float k) {
        if (Float.isNaN(k) || k >= 2147483648f || k < -2147483648f) return Integer.MIN_VALUE;
        return (int) k;
    }

    private static float log2(float x) {
        return (float) (Math.log(x) / Math.log(2));
    }
}

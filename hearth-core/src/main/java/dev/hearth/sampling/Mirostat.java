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
    private double mu;

    Mirostat(int version, float tau, float eta, int vocab) {
        this.version = version;
        this.tau = tau;
        this.eta = eta;
        this.vocab = vocab;
        this.mu = 2 * tau;
    }

    void apply(Candidates c, Mt19937 random) {
        c.softmax();
        if (version == 1) {
            // estimate the Zipf exponent from the top m probabilities, then the k that gives surprise mu
            double num = 0, den = 0;
            int lim = Math.min(m, c.size) - 1;
            for (int i = 0; i < lim; i++) {
                double ti = Math.log((i + 2) / (double) (i + 1));
                double bi = Math.log(c.probs[i] / c.probs[i + 1]);
                num += ti * bi;
                den += ti * ti;
            }
            double sHat = den == 0 ? 1 : num / den;
            double eps = sHat - 1;
            double k = Math.pow((eps * Math.pow(2, mu)) / (1 - Math.pow(vocab, -eps)), 1 / sHat);
            int keep = (int) Math.max(1, Math.min(c.size, Double.isNaN(k) ? c.size : k));
            c.size = keep;
            c.softmax();
        } else {
            int keep = 0;
            while (keep < c.size && -Math.log(c.probs[keep]) / Math.log(2) <= mu) keep++;
            c.size = Math.max(1, keep);
            c.softmax();
        }
        int idx = Distribution.discrete(c, random);
        double surprise = -Math.log(c.probs[idx]) / Math.log(2);
        mu -= eta * (surprise - tau);
        c.selected = idx;
    }
}

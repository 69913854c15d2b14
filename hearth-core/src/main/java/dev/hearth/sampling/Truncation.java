package dev.hearth.sampling;

/**
 * The stages that drop unlikely candidates, each as in llama.cpp's sampler of the same name. Each
 * keeps at least {@code minKeep} candidates (and at least one).
 */
final class Truncation {
    private Truncation() { }

    static void topK(Candidates c, int k) {
        if (k <= 0) return;
        c.sortAndKeep(Math.max(k, 1));
    }

    /** Smallest prefix (by probability) whose mass reaches p. */
    static void topP(Candidates c, float p, int minKeep) {
        if (p >= 1f) return;
        c.softmax();
        float cum = 0; // float, as llama.cpp sums: where the cut falls depends on it
        int keep = c.size;
        for (int i = 0; i < c.size; i++) {
            cum += c.probs[i];
            if (cum >= p && i + 1 >= minKeep) { keep = i + 1; break; }
        }
        c.size = keep;
    }

    /** Drops candidates whose probability is below p × the top one's (compared on logits). */
    static void minP(Candidates c, float p, int minKeep) {
        if (p <= 0f || c.size == 0) return;
        float max = c.logits[c.argmax()];
        float threshold = max + (float) Math.log(p);
        if (!c.sorted) c.sortAndKeep(c.size);
        int keep = 0;
        while (keep < c.size && c.logits[keep] >= threshold) keep++;
        c.size = Math.max(keep, Math.max(minKeep, 1));
    }

    /** Locally typical sampling: keeps tokens whose surprise is closest to the entropy until mass p. */
    static void typical(Candidates c, float p, int minKeep) {
        if (p >= 1f) return;
        c.softmax();
        // float arithmetic, as llama.cpp computes it
        float entropy = 0;
        for (int i = 0; i < c.size; i++) if (c.probs[i] > 0) entropy -= c.probs[i] * (float) Math.log(c.probs[i]);
        int n = c.size;
        Integer[] order = new Integer[n];
        float[] shift = new float[n];
        for (int i = 0; i < n; i++) { order[i] = i; shift[i] = Math.abs(-(float) Math.log(c.probs[i]) - entropy); }
        java.util.Arrays.sort(order, (a, b) -> Float.compare(shift[a], shift[b]));
        float cum = 0;
        int keep = n;
        for (int i = 0; i < n; i++) {
            cum += c.probs[order[i]];
            if (cum > p && i + 1 >= minKeep) { keep = i + 1; break; }
        }
        int[] ids = new int[keep];
        float[] logits = new float[keep];
        float[] probs = new float[keep];
        for (int i = 0; i < keep; i++) { ids[i] = c.ids[order[i]]; logits[i] = c.logits[order[i]]; probs[i] = c.probs[order[i]]; }
        System.arraycopy(ids, 0, c.ids, 0, keep);
        System.arraycopy(logits, 0, c.logits, 0, keep);
        System.arraycopy(probs, 0, c.probs, 0, keep);
        c.size = keep;
        c.sorted = false;
    }

    /** Keeps logits within n standard deviations of the maximum. */
    static void topNSigma(Candidates c, float n) {
        if (n <= 0f || c.size == 0) return;
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        int finite = 0;
        for (int i = 0; i < c.size; i++) {
            float l = c.logits[i];
            if (Float.isInfinite(l)) continue;
            max = Math.max(max, l);
            sum += l;
            finite++;
        }
        if (finite == 0) return;
        double mean = sum / finite, var = 0;
        for (int i = 0; i < c.size; i++) if (!Float.isInfinite(c.logits[i])) var += (c.logits[i] - mean) * (c.logits[i] - mean);
        double std = Math.sqrt(var / finite);
        for (int i = 0; i < c.size; i++) if (c.logits[i] < max - n * std) c.logits[i] = Float.NEGATIVE_INFINITY;
        c.sorted = false;
        // drop the banned ones so later stages and the reported probabilities do not see them
        c.sortAndKeep(c.size);
        int keep = 0;
        while (keep < c.size && c.logits[keep] != Float.NEGATIVE_INFINITY) keep++;
        c.size = Math.max(1, keep);
    }

    /** Exclude Top Choices: with some probability, removes every token above the threshold but the least likely of them. */
    static void xtc(Candidates c, float probability, float threshold, int minKeep, Mt19937 random) {
        if (probability <= 0f || threshold > 0.5f || c.size < 2) return;
        if (random.nextFloat() > probability) return;
        c.softmax();
        int lastAbove = -1;
        for (int i = 0; i < c.size; i++) {
            if (c.probs[i] >= threshold) lastAbove = i; else break;
        }
        if (lastAbove < 1 || c.size - lastAbove < minKeep) return;
        int keep = c.size - lastAbove;
        System.arraycopy(c.ids, lastAbove, c.ids, 0, keep);
        System.arraycopy(c.logits, lastAbove, c.logits, 0, keep);
        System.arraycopy(c.probs, lastAbove, c.probs, 0, keep);
        c.size = keep;
    }
}

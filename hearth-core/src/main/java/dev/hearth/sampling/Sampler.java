package dev.hearth.sampling;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token from logits with llama.cpp's order of the basic samplers:
 * top-k → top-p → min-p → temperature → a seeded random draw. Greedy (temperature ≤ 0) is the
 * argmax, first index on ties, like llama.cpp's greedy sampler.
 */
public final class Sampler {
    private final SamplerParams params;
    private final SplittableRandom random;
    private int[] ids = new int[0];
    private float[] probs = new float[0];

    public Sampler(SamplerParams params) {
        this.params = params;
        long seed = params.seed() == SamplerParams.RANDOM_SEED ? System.nanoTime() : params.seed();
        this.random = new SplittableRandom(seed);
    }

    public static int argmax(float[] logits, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }

    public int sample(float[] logits, int vocab) {
        if (params.temperature() <= 0) return argmax(logits, vocab);
        if (ids.length < vocab) {
            ids = new int[vocab];
            probs = new float[vocab];
        }
        // candidates sorted by logit, descending (top-k first so the sort is over k, not the vocabulary)
        int k = params.topK() <= 0 ? vocab : Math.min(params.topK(), vocab);
        int n = topK(logits, vocab, k);
        // softmax over the candidates (at temperature 1, as llama.cpp's top-p/min-p see them)
        softmax(logits, n, 1f);
        // top-p: keep the smallest prefix whose probability mass reaches p
        if (params.topP() < 1f) {
            double cum = 0;
            int keep = n;
            for (int i = 0; i < n; i++) {
                cum += probs[i];
                if (cum >= params.topP()) { keep = i + 1; break; }
            }
            n = keep;
        }
        // min-p: drop candidates whose probability is below min_p × the best one's
        if (params.minP() > 0f && n > 1) {
            float maxLogit = logits[ids[0]];
            float threshold = maxLogit + (float) Math.log(params.minP());
            int keep = 1;
            while (keep < n && logits[ids[keep]] >= threshold) keep++;
            n = keep;
        }
        softmax(logits, n, params.temperature());
        double r = random.nextDouble();
        double cum = 0;
        for (int i = 0; i < n; i++) {
            cum += probs[i];
            if (r < cum) return ids[i];
        }
        return ids[n - 1];
    }

    /** Puts the k highest logits' ids, sorted descending, into ids[0..k). Returns k. */
    private int topK(float[] logits, int vocab, int k) {
        Integer[] boxed;
        if (k == vocab) {
            boxed = new Integer[vocab];
            for (int i = 0; i < vocab; i++) boxed[i] = i;
        } else {
            // partial selection with a small min-heap of size k
            int[] heap = new int[k];
            int size = 0;
            for (int i = 0; i < vocab; i++) {
                if (size < k) {
                    heap[size] = i;
                    siftUp(heap, size++, logits);
                } else if (better(i, heap[0], logits)) {
                    heap[0] = i;
                    siftDown(heap, size, logits);
                }
            }
            boxed = new Integer[k];
            for (int i = 0; i < k; i++) boxed[i] = heap[i];
        }
        Arrays.sort(boxed, (a, b) -> better(a, b, logits) ? -1 : better(b, a, logits) ? 1 : 0);
        for (int i = 0; i < k; i++) ids[i] = boxed[i];
        return k;
    }

    private static boolean better(int a, int b, float[] l) {
        return l[a] > l[b] || (l[a] == l[b] && a < b);
    }

    private static void siftUp(int[] h, int i, float[] l) {
        while (i > 0) {
            int p = (i - 1) / 2;
            if (!better(h[p], h[i], l)) break;
            int t = h[p]; h[p] = h[i]; h[i] = t;
            i = p;
        }
    }

    private static void siftDown(int[] h, int size, float[] l) {
        int i = 0;
        while (true) {
            int a = 2 * i + 1, b = a + 1, m = i;
            if (a < size && better(h[m], h[a], l)) m = a;
            if (b < size && better(h[m], h[b], l)) m = b;
            if (m == i) return;
            int t = h[m]; h[m] = h[i]; h[i] = t;
            i = m;
        }
    }

    private void softmax(float[] logits, int n, float temperature) {
        float max = logits[ids[0]];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double e = Math.exp((logits[ids[i]] - max) / temperature);
            probs[i] = (float) e;
            sum += e;
        }
        for (int i = 0; i < n; i++) probs[i] = (float) (probs[i] / sum);
    }
}

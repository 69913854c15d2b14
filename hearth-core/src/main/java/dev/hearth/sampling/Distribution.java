package dev.hearth.sampling;

import java.util.SplittableRandom;

/** The final draw (llama.cpp's dist sampler): a seeded random pick weighted by the candidates' probabilities. */
final class Distribution {
    private Distribution() { }

    /** Index into the candidates; expects {@link Candidates#softmax()} to have run. */
    static int draw(Candidates c, SplittableRandom random) {
        double r = random.nextDouble();
        double cum = 0;
        for (int i = 0; i < c.size; i++) {
            cum += c.probs[i];
            if (r < cum) return i;
        }
        return c.size - 1;
    }
}

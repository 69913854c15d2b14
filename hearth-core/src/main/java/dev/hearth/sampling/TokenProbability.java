package dev.hearth.sampling;

/** One token and its probability, for n_probs / logprobs reports. */
public record TokenProbability(int id, float prob) {
    public double logprob() {
        return Math.log(prob);
    }
}

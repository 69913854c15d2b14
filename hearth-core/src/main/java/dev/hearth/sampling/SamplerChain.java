package dev.hearth.sampling;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * llama.cpp's sampler chain for one generation: logit bias, then the stages in
 * {@link SamplingSettings#samplers} order (default penalties → DRY → top-n-σ → top-k → typical-p →
 * top-p → min-p → XTC → temperature) and a seeded draw; or, with mirostat 1/2, temperature followed
 * by mirostat. {@link #accept} feeds the history the penalty stages look at. Not thread-safe.
 */
public final class SamplerChain {
    private final SamplingSettings s;
    private final int vocab;
    private final int[] eogIds;
    private final TokenTexts texts;
    private final Candidates candidates;
    private final TokenHistory history = new TokenHistory();
    private final Mt19937 random;
    private final Mt19937 xtcRandom; // llama.cpp's XTC sampler has its own generator, seeded alike
    private final Mirostat mirostat;
    private final long seedUsed;

    /** @param texts what DRY, infill and ignore_eos need to know about tokens */
    public SamplerChain(SamplingSettings settings, int vocab, TokenTexts texts) {
        this.s = settings;
        this.vocab = vocab;
        this.eogIds = texts.eogIds();
        this.texts = texts;
        this.candidates = new Candidates(vocab);
        this.seedUsed = settings.seed == SamplingSettings.RANDOM_SEED ? (System.nanoTime() & 0xFFFFFFFFL) : settings.seed;
        this.random = new Mt19937(seedUsed);
        this.xtcRandom = new Mt19937(seedUsed);
        this.mirostat = settings.mirostat == 1 || settings.mirostat == 2
                ? new Mirostat(settings.mirostat, settings.mirostatTau, settings.mirostatEta, vocab) : null;
    }

    /** The most likely token, the first on ties (llama.cpp's greedy sampler). */
    public static int argmax(float[] logits, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }

    /** The seed actually used (a random one when the settings asked for it). */
    public long seed() {
        return seedUsed;
    }

    /** Remembers a token for the penalties (prompt tokens and each sampled token). */
    public void accept(int token) {
        history.add(token);
    }

    /** Runs the chain on a copy of {@code logits} and returns the chosen token id. */
    public int sample(float[] logits) {
        Candidates c = candidates;
        c.reset(logits, vocab);
        for (Map.Entry<Integer, Float> e : s.logitBias.entrySet()) {
            int id = e.getKey();
            if (id >= 0 && id < vocab) c.logits[id] += e.getValue();
        }
        if (s.ignoreEos) for (int id : eogIds) if (id >= 0 && id < vocab) c.logits[id] = Float.NEGATIVE_INFINITY;

        if (mirostat != null) {
            Temperature.apply(c, s.temperature, 0f, 1f);
            mirostat.apply(c, random);
            return c.ids[c.selected];
        }
        for (SamplerType t : s.samplers) {
            switch (t) {
                case PENALTIES -> Penalties.apply(c, history, s);
                case DRY -> Dry.apply(c, history, s, texts);
                case TOP_N_SIGMA -> Truncation.topNSigma(c, s.topNSigma);
                case TOP_K -> Truncation.topK(c, s.topK);
                case TYPICAL_P -> Truncation.typical(c, s.typicalP, s.minKeep);
                case TOP_P -> Truncation.topP(c, s.topP, s.minKeep);
                case MIN_P -> Truncation.minP(c, s.minP, s.minKeep);
                case XTC -> Truncation.xtc(c, s.xtcProbability, s.xtcThreshold, s.minKeep, xtcRandom);
                case TEMPERATURE -> Temperature.apply(c, s.temperature, s.dynatempRange, s.dynatempExponent);
                case INFILL -> Infill.apply(c, texts);
            }
        }
        // the draw runs over the candidates in the order the stages left them, as llama.cpp's does
        return c.ids[Distribution.dist(c, random)];
    }

    /**
     * The candidates left after the last {@link #sample} with their probabilities, most likely
     * first, at most {@code n} (llama.cpp's {@code post_sampling_probs}).
     */
    public List<TokenProbability> postSamplingProbs(int n) {
        Candidates c = candidates;
        List<TokenProbability> out = new ArrayList<>();
        for (int i = 0; i < c.size; i++) out.add(new TokenProbability(c.ids[i], c.probs[i]));
        out.sort((a, b) -> a.prob() != b.prob() ? Float.compare(b.prob(), a.prob()) : Integer.compare(a.id(), b.id()));
        return List.copyOf(out.subList(0, Math.min(n, out.size())));
    }

    /** The probability the last chain gave {@code token} (0 when the chain dropped it). */
    public float postSamplingProb(int token) {
        Candidates c = candidates;
        for (int i = 0; i < c.size; i++) if (c.ids[i] == token) return c.probs[i];
        return 0f;
    }

    /**
     * Softmax of the raw logits (before any sampler): the top {@code n} tokens, and the probability of
     * {@code chosen} as element 0 of the returned pair's second part. This is what llama-server reports
     * for n_probs / logprobs by default.
     */
    public static RawProbs rawProbs(float[] logits, int vocab, int n, int chosen) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) max = Math.max(max, logits[i]);
        double sum = 0;
        for (int i = 0; i < vocab; i++) sum += Math.exp(logits[i] - max);
        Candidates c = new Candidates(vocab);
        c.reset(logits, vocab);
        c.sortAndKeep(Math.min(n, vocab));
        List<TokenProbability> top = new ArrayList<>();
        for (int i = 0; i < c.size; i++) top.add(new TokenProbability(c.ids[i], (float) (Math.exp(c.logits[i] - max) / sum)));
        float chosenProb = (float) (Math.exp(logits[chosen] - max) / sum);
        return new RawProbs(new TokenProbability(chosen, chosenProb), top);
    }

    public record RawProbs(TokenProbability chosen, List<TokenProbability> top) { }
}

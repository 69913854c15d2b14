package dev.hearth.engine;

import dev.hearth.sampling.SamplingSettings;
import java.util.List;

/**
 * One generation job, already tokenized.
 *
 * @param prompt            the tokens to evaluate before generating (never empty)
 * @param sampling          the sampler chain's settings
 * @param nPredict          tokens to generate at most; -1 = until end of generation or a full context
 * @param stop              stop strings: generation ends before the first one, which is not returned
 * @param nProbs            report the top n token probabilities for each generated token (0 = none)
 * @param postSamplingProbs report probabilities after the sampler chain instead of the raw softmax
 * @param tMaxPredictMs     after a newline was generated, stop once generation took this long (0 = off)
 * @param cachePrompt       reuse the longest common prefix with what the slot evaluated before
 * @param idSlot            the slot to run on, -1 = the engine chooses
 * @param nIndent           for code infill: stop when a new line starts with less indentation (0 = off)
 * @param textStop          a rule that ends the generation from its text (null = none), e.g. the code-aware infill stop
 */
public record CompletionRequest(int[] prompt, SamplingSettings sampling, int nPredict, List<String> stop,
                                int nProbs, boolean postSamplingProbs, long tMaxPredictMs, boolean cachePrompt,
                                int idSlot, int nIndent, TextStop textStop) {
    public CompletionRequest(int[] prompt, SamplingSettings sampling, int nPredict, List<String> stop, int nProbs,
                             boolean postSamplingProbs, long tMaxPredictMs, boolean cachePrompt, int idSlot, int nIndent) {
        this(prompt, sampling, nPredict, stop, nProbs, postSamplingProbs, tMaxPredictMs, cachePrompt, idSlot, nIndent, null);
    }

    public CompletionRequest {
        if (prompt.length == 0) throw new IllegalArgumentException("the prompt is empty");
        if (nPredict < -1) throw new IllegalArgumentException("n_predict must be -1 or more");
        stop = List.copyOf(stop);
        if (nIndent < 0) throw new IllegalArgumentException("n_indent must be 0 or more");
    }
}

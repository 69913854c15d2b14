package dev.hearth.engine;

import java.util.List;

/**
 * Output released by one step: {@code text} (may be empty while a possible stop string is held
 * back), the tokens sampled since the previous event and, when asked, their probabilities; the
 * counts so far (generated tokens, prompt length).
 */
public record TokenEvent(String text, int[] tokens, List<TokenProbs> probs, int tokensPredicted, int tokensEvaluated) { }

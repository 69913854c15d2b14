package dev.hearth.engine;

import java.util.List;

/**
 * The end of one generation: the whole text (stop string removed), why it stopped, and the counts
 * and times llama-server reports in {@code timings}.
 *
 * @param tokensEvaluated the prompt's length
 * @param tokensCached    tokens in the slot's cache at the end (prompt + generated)
 * @param cacheN          prompt tokens reused from the cache (not evaluated)
 * @param promptN         prompt tokens evaluated
 * @param draftN          drafted tokens verified (speculative decoding; llama-server's draft_n)
 * @param draftAccepted   of those, the ones accepted (draft_n_accepted)
 */
public record CompletionResult(String content, int[] tokens, List<TokenProbs> probs, StopType stopType, String stoppingWord,
                               int slotId, int tokensEvaluated, int tokensCached, int cacheN,
                               int promptN, double promptMs, int predictedN, double predictedMs,
                               boolean hasNewLine, boolean contextFull, int draftN, int draftAccepted) { }

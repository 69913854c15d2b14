package dev.hearth.engine;

import dev.hearth.sampling.TokenProbability;
import java.util.List;

/** The sampled token with its probability and the most likely alternatives at that step. */
public record TokenProbs(TokenProbability chosen, List<TokenProbability> top) { }

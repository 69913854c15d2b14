package dev.hearth.cli;

import dev.hearth.engine.Speculation;
import picocli.CommandLine.Option;

/**
 * llama.cpp's draftless speculative decoding flags. Hearth's default is {@code ngram-simple}: drafts are
 * looked up in the context and verified only where the measured acceptance makes that faster
 * ({@link dev.hearth.engine.Drafter}); the output is the same either way.
 */
final class SpecFlags {
    @Option(names = "--spec-type", defaultValue = "${env:LLAMA_ARG_SPEC_TYPE:-ngram-simple}",
            description = "speculative decoding without a draft model: none|ngram-simple (default ${DEFAULT-VALUE}; env LLAMA_ARG_SPEC_TYPE)") String type;
    @Option(names = {"--draft-max", "--draft", "--draft-n"}, defaultValue = "${env:LLAMA_ARG_DRAFT_MAX:-16}",
            description = "most tokens drafted per step (default ${DEFAULT-VALUE}; env LLAMA_ARG_DRAFT_MAX)") int draftMax;
    @Option(names = {"--draft-min", "--draft-n-min"}, defaultValue = "${env:LLAMA_ARG_DRAFT_MIN:-0}",
            description = "fewest drafted tokens worth verifying (default ${DEFAULT-VALUE}; env LLAMA_ARG_DRAFT_MIN)") int draftMin;
    @Option(names = "--spec-ngram-size-n", defaultValue = "3",
            description = "tokens matched to find a draft in the context (default ${DEFAULT-VALUE})") int ngram;
    @Option(names = "--spec-policy", defaultValue = "auto",
            description = "auto: verify drafts only where the measured acceptance and cost make it faster; always: verify every draft found (default ${DEFAULT-VALUE})") String policy;

    Speculation options() {
        return Speculation.of(type, draftMax, draftMin, ngram, policy);
    }
}

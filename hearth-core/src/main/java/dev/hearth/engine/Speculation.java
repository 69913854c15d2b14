package dev.hearth.engine;

/**
 * Prompt-lookup (n-gram) speculative decoding's settings, as llama.cpp's {@code --spec-type ngram-simple}
 * takes them: the last {@code ngram} tokens are looked up earlier in the context, and up to
 * {@code draftMax} of the tokens that followed them there are verified in one step. Drafts shorter than
 * {@code draftMin} are not used. Whether a draft is worth verifying at all is decided per step by
 * {@link Drafter} from the measured acceptance and cost, so "on" never makes generation much slower;
 * with {@code always}, every draft found is verified (to measure acceptance, and in tests).
 */
public record Speculation(int draftMax, int draftMin, int ngram, boolean always) {
    /** No speculation: one token per step. */
    public static final Speculation OFF = new Speculation(0, 0, 1, false);
    /** Hearth's default: on, drafts of up to 16 tokens after a 3-token match, verified where that pays. */
    public static final Speculation DEFAULT = new Speculation(16, 0, 3, false);

    public Speculation {
        if (draftMax < 0) throw new IllegalArgumentException("--draft-max must be 0 or more, got " + draftMax);
        if (draftMin < 0 || draftMin > Math.max(draftMax, 0)) throw new IllegalArgumentException("--draft-min must be between 0 and --draft-max (" + draftMax + "), got " + draftMin);
        if (ngram < 1) throw new IllegalArgumentException("--spec-ngram-size-n must be at least 1, got " + ngram);
    }

    public boolean enabled() {
        return draftMax > 0;
    }

    /**
     * From llama.cpp's flags {@code --spec-type none|ngram-simple}, {@code --draft-max}, {@code --draft-min},
     * {@code --spec-ngram-size-n}, and Hearth's {@code --spec-policy auto|always}.
     */
    public static Speculation of(String type, int draftMax, int draftMin, int ngram, String policy) {
        boolean always = switch (policy) {
            case "auto" -> false;
            case "always" -> true;
            default -> throw new IllegalArgumentException("--spec-policy must be auto or always, got '" + policy + "'");
        };
        return switch (type) {
            case "none" -> OFF;
            case "ngram-simple" -> new Speculation(draftMax, draftMin, ngram, always);
            default -> throw new IllegalArgumentException("--spec-type must be none or ngram-simple, got '" + type + "'");
        };
    }
}

package dev.hearth.sampling;

/**
 * Sampling settings with llama.cpp's defaults (common/common.h, {@code common_params_sampling}).
 * {@code temperature <= 0} means greedy: always the most likely token.
 */
public record SamplerParams(float temperature, int topK, float topP, float minP, long seed) {
    public static final long RANDOM_SEED = -1;

    public static SamplerParams defaults() {
        return new SamplerParams(0.8f, 40, 0.95f, 0.05f, RANDOM_SEED);
    }

    public static SamplerParams greedy() {
        return new SamplerParams(0f, 40, 0.95f, 0.05f, 0);
    }
}

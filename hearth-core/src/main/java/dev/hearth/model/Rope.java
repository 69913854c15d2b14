package dev.hearth.model;

/**
 * Rotary position embedding, computed as ggml's {@code ggml_rope_ext} does for the "normal" mode
 * (adjacent pairs (x[2i], x[2i+1]) rotate together; Llama) and the NEOX mode (pairs (x[i], x[i+d/2]);
 * Qwen2, Phi-3, …).
 *
 * <p>Angles follow ggml's cache exactly: theta starts at the position and is multiplied by
 * {@code base^(-2/dims)} once per pair, in float; a per-pair frequency factor (Llama-3's
 * {@code rope_freqs}, Phi-3's LongRoPE {@code rope_factors_long/short}) divides it; linear scaling
 * multiplies it; the attention factor (llama.cpp's yarn_attn_factor, which includes
 * {@code rope.scaling.attn_factor}) multiplies cos and sin.
 *
 * <p>YaRN (ggml's rope_yarn, ggml-cpu/ops.cpp): each pair's angle blends the interpolated angle
 * (scaled) with the extrapolated one (unscaled) by a ramp over the pair index between two correction
 * dimensions (ggml_rope_yarn_corr_dims, ggml.c), and cos and sin are multiplied by
 * {@code attnFactor · (1 + 0.1·ln(1/freqScale))}.
 */
public final class Rope {
    private final int dims;
    private final boolean neox;
    private final float thetaScale;
    private final float freqScale;
    private final float[] freqFactors; // may be null
    private final float extFactor;     // YaRN's extrapolation mix: 0 (no YaRN) or 1
    private final float corrLow, corrHigh;
    private final float yarnMscale;    // multiplies cos and sin (1 without YaRN)
    private final float base;

    public Rope(int dims, float base, float freqScale, float[] freqFactors, boolean neox) {
        this(dims, base, freqScale, freqFactors, neox, 0f, 1f, 32f, 1f, 0);
    }

    /** Without YaRN, cos and sin multiplied by {@code attnFactor} (rope.scaling.attn_factor: Phi-3's LongRoPE). */
    public Rope(int dims, float base, float freqScale, float[] freqFactors, boolean neox, float attnFactor) {
        this(dims, base, freqScale, freqFactors, neox, 0f, attnFactor, 32f, 1f, 0);
    }

    /**
     * YaRN RoPE: {@code extFactor} (llama.cpp: 1 when the scaling type is yarn), {@code attnFactor}
     * (llama.cpp's cparams.yarn_attn_factor), {@code betaFast}/{@code betaSlow} (32 and 1 unless the file
     * says otherwise) and the original training context {@code ctxOrig} place the ramp.
     */
    public static Rope yarn(int dims, float base, float freqScale, float extFactor, float attnFactor,
                            float betaFast, float betaSlow, int ctxOrig, boolean neox) {
        return new Rope(dims, base, freqScale, null, neox, extFactor, attnFactor, betaFast, betaSlow, ctxOrig);
    }

    private Rope(int dims, float base, float freqScale, float[] freqFactors, boolean neox,
                 float extFactor, float attnFactor, float betaFast, float betaSlow, int ctxOrig) {
        if (freqFactors != null && freqFactors.length < dims / 2)
            throw new IllegalArgumentException("rope_freqs has " + freqFactors.length + " factors, need " + dims / 2);
        this.dims = dims;
        this.neox = neox;
        this.thetaScale = (float) Math.pow(base, -2.0f / dims);
        this.freqScale = freqScale;
        this.freqFactors = freqFactors;
        this.base = base;
        this.extFactor = extFactor;
        if (extFactor != 0f) {
            float start = (float) Math.floor(corrDim(dims, ctxOrig, betaFast, base));
            float end = (float) Math.ceil(corrDim(dims, ctxOrig, betaSlow, base));
            corrLow = Math.max(0, start);
            corrHigh = Math.min(dims - 1, end);
            yarnMscale = attnFactor * (1.0f + 0.1f * (float) Math.log(1.0f / freqScale));
        } else {
            corrLow = corrHigh = 0;
            yarnMscale = attnFactor;
        }
    }

    /** The pair index where a rotation makes {@code rotations} turns over the original context (ggml_rope_yarn_corr_dim). */
    private static float corrDim(int dims, int ctxOrig, float rotations, float base) {
        return dims * (float) Math.log(ctxOrig / (rotations * 2 * (float) Math.PI)) / (2 * (float) Math.log(base));
    }

    /** Fills {@code cos} and {@code sin} (length dims/2) for position {@code pos}. */
    public void angles(int pos, float[] cos, float[] sin) {
        float theta = pos;
        for (int i = 0; i < dims / 2; i++) {
            float ff = freqFactors != null ? freqFactors[i] : 1f;
            float extrap = theta / ff;
            float t = freqScale * extrap;
            if (extFactor != 0f) {
                float y = (i - corrLow) / Math.max(0.001f, corrHigh - corrLow);
                float mix = (1 - Math.min(1, Math.max(0, y))) * extFactor;
                t = t * (1 - mix) + extrap * mix;
            }
            cos[i] = (float) Math.cos(t) * yarnMscale;
            sin[i] = (float) Math.sin(t) * yarnMscale;
            theta *= thetaScale;
        }
    }

    /** Rotates {@code heads} heads of size {@code headDim} stored contiguously at {@code x[off ..]}. */
    public void rotate(float[] x, int off, int heads, int headDim, float[] cos, float[] sin) {
        int half = dims / 2;
        for (int h = 0; h < heads; h++) {
            int base = off + h * headDim;
            for (int i = 0; i < half; i++) {
                int a = neox ? base + i : base + 2 * i;
                int b = neox ? base + i + half : base + 2 * i + 1;
                float x0 = x[a], x1 = x[b];
                x[a] = x0 * cos[i] - x1 * sin[i];
                x[b] = x0 * sin[i] + x1 * cos[i];
            }
        }
    }

    /** A one-line summary: pairing, dimensions, base, scaling, factors. */
    public String describe() {
        return (neox ? "NEOX" : "normal") + ", " + dims + " dims, base " + base
                + (freqScale != 1f ? ", linear scale " + freqScale : "")
                + (extFactor != 0f ? ", YaRN" : "")
                + (freqFactors != null ? ", frequency factors" : "")
                + (yarnMscale != 1f ? ", attention factor " + yarnMscale : "");
    }

    public int dims() {
        return dims;
    }
}

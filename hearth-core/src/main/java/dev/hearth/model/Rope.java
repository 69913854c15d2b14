package dev.hearth.model;

/**
 * Rotary position embedding, computed as ggml's {@code ggml_rope_ext} does for the "normal" mode
 * (adjacent pairs (x[2i], x[2i+1]) rotate together; Llama) and the NEOX mode (pairs (x[i], x[i+d/2]);
 * Qwen2, Phi-3, …).
 *
 * <p>Angles follow ggml's cache exactly: theta starts at the position and is multiplied by
 * {@code base^(-2/dims)} once per pair, in float; a per-pair frequency factor (Llama-3's
 * {@code rope_freqs}, Phi-3's LongRoPE {@code rope_factors_long/short}) divides it; linear scaling
 * multiplies it; {@code mscale} (llama.cpp's attention factor, {@code rope.scaling.attn_factor}) multiplies
 * cos and sin.
 */
public final class Rope {
    private final int dims;
    private final boolean neox;
    private final float thetaScale;
    private final float freqScale;
    private final float[] freqFactors; // may be null
    private final float mscale;
    private final float base;

    public Rope(int dims, float base, float freqScale, float[] freqFactors, boolean neox) {
        this(dims, base, freqScale, freqFactors, neox, 1f);
    }

    public Rope(int dims, float base, float freqScale, float[] freqFactors, boolean neox, float mscale) {
        if (freqFactors != null && freqFactors.length < dims / 2)
            throw new IllegalArgumentException("rope_freqs has " + freqFactors.length + " factors, need " + dims / 2);
        this.dims = dims;
        this.neox = neox;
        this.thetaScale = (float) Math.pow(base, -2.0f / dims);
        this.freqScale = freqScale;
        this.freqFactors = freqFactors;
        this.mscale = mscale;
        this.base = base;
    }

    /** Fills {@code cos} and {@code sin} (length dims/2) for position {@code pos}. */
    public void angles(int pos, float[] cos, float[] sin) {
        float theta = pos;
        for (int i = 0; i < dims / 2; i++) {
            float ff = freqFactors != null ? freqFactors[i] : 1f;
            float t = freqScale * (theta / ff);
            cos[i] = (float) Math.cos(t) * mscale;
            sin[i] = (float) Math.sin(t) * mscale;
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
                + (freqFactors != null ? ", frequency factors" : "")
                + (mscale != 1f ? ", attention factor " + mscale : "");
    }

    public int dims() {
        return dims;
    }
}

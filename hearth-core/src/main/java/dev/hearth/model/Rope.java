package dev.hearth.model;

/**
 * Rotary position embedding, computed as ggml's {@code ggml_rope_ext} does for the "normal" mode
 * (adjacent pairs (x[2i], x[2i+1]) rotate together; Llama) and the NEOX mode (pairs (x[i], x[i+d/2]);
 * Qwen2, Phi-3, …).
 *
 * <p>Angles follow ggml's cache exactly: theta starts at the position and is multiplied by
 * {@code base^(-2/dims)} once per pair, in float; a per-pair frequency factor (Llama-3's
 * {@code rope_freqs}) divides it; linear scaling multiplies it.
 */
public final class Rope {
    private final int dims;
    private final boolean neox;
    private final float thetaScale;
    private final float freqScale;
    private final float[] freqFactors; // may be null

    public Rope(int dims, float base, float freqScale, float[] freqFactors, boolean neox) {
        if (freqFactors != null && freqFactors.length < dims / 2)
            throw new IllegalArgumentException("rope_freqs has " + freqFactors.length + " factors, need " + dims / 2);
        this.dims = dims;
        this.neox = neox;
        this.thetaScale = (float) Math.pow(base, -2.0f / dims);
        this.freqScale = freqScale;
        this.freqFactors = freqFactors;
    }

    /** Fills {@code cos} and {@code sin} (length dims/2) for position {@code pos}. */
    public void angles(int pos, float[] cos, float[] sin) {
        float theta = pos;
        for (int i = 0; i < dims / 2; i++) {
            float ff = freqFactors != null ? freqFactors[i] : 1f;
            float t = freqScale * (theta / ff);
            cos[i] = (float) Math.cos(t);
            sin[i] = (float) Math.sin(t);
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

    public int dims() {
        return dims;
    }
}

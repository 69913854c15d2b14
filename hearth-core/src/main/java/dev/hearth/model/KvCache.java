package dev.hearth.model;

/**
 * Keys and values of every layer for positions [0, capacity), one row per position.
 * Values are stored rounded to float16, the precision of llama.cpp's default F16 cache, so the
 * attention sees the same numbers llama.cpp's does.
 */
public final class KvCache {
    final float[][] keys;   // [layer][pos * kvDimK + ...]
    final float[][] values; // [layer][pos * kvDimV + ...]
    final int kvDimK;
    final int kvDimV;
    private final int capacity;

    public KvCache(ModelConfig c, int capacity) {
        this.capacity = capacity;
        this.kvDimK = c.kvDimK();
        this.kvDimV = c.kvDimV();
        keys = new float[c.layers()][(int) Math.min(Integer.MAX_VALUE - 8, (long) capacity * kvDimK)];
        values = new float[c.layers()][(int) Math.min(Integer.MAX_VALUE - 8, (long) capacity * kvDimV)];
        if ((long) capacity * Math.max(kvDimK, kvDimV) > Integer.MAX_VALUE - 8)
            throw new IllegalArgumentException("context " + capacity + " too large for one cache array");
    }

    /** Stores one position's keys ({@code k[kOff ..]}) and values ({@code v[vOff ..]}) for layer {@code layer}. */
    void store(int layer, int pos, float[] k, int kOff, float[] v, int vOff) {
        if (pos >= capacity) throw new IllegalStateException("KV cache full: position " + pos + " of " + capacity);
        float[] kc = keys[layer], vc = values[layer];
        for (int i = 0; i < kvDimK; i++) kc[pos * kvDimK + i] = Float.float16ToFloat(Float.floatToFloat16(k[kOff + i]));
        for (int i = 0; i < kvDimV; i++) vc[pos * kvDimV + i] = Float.float16ToFloat(Float.floatToFloat16(v[vOff + i]));
    }

    public int capacity() {
        return capacity;
    }

    /** Bytes this cache occupies. */
    public long bytes() {
        return 4L * capacity * (kvDimK + kvDimV) * keys.length;
    }
}

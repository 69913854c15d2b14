package dev.hearth.model;

import dev.hearth.tensor.GgmlType;
import dev.hearth.tensor.TypeOps;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Keys and values of every layer for positions [0, capacity), one row per position, in the types of
 * its {@link CacheOptions}. An F16 row is kept as floats rounded to float16 (the values llama.cpp's
 * F16 cache holds, in a form the float kernels read directly; 4 bytes per value). A Q8_0 row is
 * ggml's block_q8_0 bytes (34 per 32 values), written by the same run-time quantizer llama.cpp's
 * CPU backend uses when it stores a row ({@code set_rows} calls the type's {@code from_float}).
 * Memory is linear in the capacity; nothing here grows with the square of the context.
 *
 * <p>A layer with a sliding window (Gemma-2's local layers) holds only the recent positions its
 * attention can still see, as llama.cpp's SWA cache does (llama-kv-cache-iswa.cpp): 2·window + maxBatch
 * rows, row r holding position {@code base[layer] + r}. When a position would fall past the last row, the
 * newest window + maxBatch − 1 rows move to the front (once every ~window positions, so about one row
 * copied per position), which keeps the rows in position order for the attention kernels. Going back
 * ({@link #truncate}) is possible only while the rows a new token needs are still there.
 */
public final class KvCache {
    static final TypeOps Q8 = TypeOps.of(GgmlType.Q8_0);
    /** How a query head is encoded for {@code Q8.dot} (Q8_0's run-time activations, possibly in Hearth's wide layout). */
    static final TypeOps Q8_QUERY = TypeOps.of(Q8.dotType());

    final CacheOptions options;
    final float[][] keys;          // F16: [layer][pos * kvDimK + ...]; null when keys are Q8_0
    final float[][] values;        // F16: [layer][pos * kvDimV + ...]; null when values are Q8_0
    final MemorySegment[] keysQ8;  // Q8_0: [layer], row pos at pos * kRowBytes; null when F16
    final MemorySegment[] valuesQ8;
    final int kvDimK;
    final int kvDimV;
    final int vStride;     // floats from one position's values to the next: kvDimV, or kvDimK when they are the keys' prefix
    final boolean valuesInKeys; // values are a view of the keys (DeepSeek-V2's latent cache, F16 only)
    final long kRowBytes;
    final long vRowBytes;
    final int kRot;  // Hadamard rotation size of queries and keys (0 = none), see Hadamard
    final int vRot;  // of values and of the attention output
    private final float[] rotated; // one row, rotated before it is quantized
    private final int capacity;
    final int[] base;              // per layer: the position row 0 holds (0 unless the layer slides)
    private final int[] window;    // per layer: its sliding window, 0 for none
    private final int[] rows;      // per layer: rows allocated
    private final int maxBatch;

    public KvCache(ModelConfig c, int capacity) {
        this(c, capacity, CacheOptions.DEFAULT);
    }

    public KvCache(ModelConfig c, int capacity, CacheOptions options) {
        this(c, capacity, options, null, 1);
    }

    /**
     * A cache whose layers with {@code windows[layer] > 0} keep only what that sliding window needs, for
     * steps of at most {@code maxBatch} tokens; {@code windows} null: every layer keeps every position.
     */
    public KvCache(ModelConfig c, int capacity, CacheOptions options, int[] windows, int maxBatch) {
        this.capacity = capacity;
        this.maxBatch = maxBatch;
        int layerCount = c.layers();
        window = windows != null ? windows.clone() : new int[layerCount];
        base = new int[layerCount];
        rows = new int[layerCount];
        for (int l = 0; l < layerCount; l++)
            rows[l] = window[l] > 0 ? (int) Math.min(capacity, 2L * window[l] + maxBatch) : capacity;
        this.options = options;
        this.kvDimK = c.kvDimK();
        this.kvDimV = c.kvDimV();
        this.valuesInKeys = c.valuesInKeys() && options.typeK() == KvCacheType.F16 && options.typeV() == KvCacheType.F16;
        this.vStride = valuesInKeys ? kvDimK : kvDimV;
        // src/llama-context.cpp: a quantized cache row must hold whole blocks of every head
        if (options.typeK() == KvCacheType.Q8_0 && c.headDimK() % 32 != 0)
            throw new IllegalArgumentException("K cache type q8_0 with block size 32 does not divide the head size " + c.headDimK());
        if (options.typeV() == KvCacheType.Q8_0 && c.headDimV() % 32 != 0)
            throw new IllegalArgumentException("V cache type q8_0 with block size 32 does not divide the head size " + c.headDimV());
        if ((long) capacity * Math.max(kvDimK, kvDimV) > Integer.MAX_VALUE - 8)
            throw new IllegalArgumentException("context " + capacity + " too large for one cache array");
        kRot = Hadamard.keySize(options.typeK(), c.headDimK());
        vRot = Hadamard.valueSize(options.typeV(), c.headDimV());
        rotated = new float[Math.max(kvDimK, kvDimV)];
        kRowBytes = GgmlType.Q8_0.bytesFor(kvDimK);
        vRowBytes = GgmlType.Q8_0.bytesFor(kvDimV);
        int L = c.layers();
        boolean qk = options.typeK() == KvCacheType.Q8_0, qv = options.typeV() == KvCacheType.Q8_0;
        keys = qk ? null : new float[L][];
        values = qv ? null : valuesInKeys ? keys : new float[L][];
        keysQ8 = qk ? new MemorySegment[L] : null;
        valuesQ8 = qv ? new MemorySegment[L] : null;
        for (int l = 0; l < L; l++) {
            if (qk) keysQ8[l] = segment(rows[l] * kRowBytes);
            else keys[l] = new float[rows[l] * kvDimK];
            if (qv) valuesQ8[l] = segment(rows[l] * vRowBytes);
            else if (!valuesInKeys) values[l] = new float[rows[l] * kvDimV];
        }
    }

    private static MemorySegment segment(long bytes) {
        return Arena.ofAuto().allocate(Math.max(bytes, 1), 64);
    }

    /** Moves a sliding layer's newest window + maxBatch − 1 rows to the front so that {@code pos} gets a row. */
    private void slide(int layer, int pos) {
        int newBase = Math.max(base[layer], pos - (window[layer] + maxBatch - 1));
        int shift = newBase - base[layer], keep = pos - newBase;
        if (keys != null) System.arraycopy(keys[layer], shift * kvDimK, keys[layer], 0, keep * kvDimK);
        else MemorySegment.copy(keysQ8[layer], shift * kRowBytes, keysQ8[layer], 0, keep * kRowBytes);
        if (valuesInKeys) { /* moved with the keys */ }
        else if (values != null) System.arraycopy(values[layer], shift * kvDimV, values[layer], 0, keep * kvDimV);
        else MemorySegment.copy(valuesQ8[layer], shift * vRowBytes, valuesQ8[layer], 0, keep * vRowBytes);
        base[layer] = newBase;
    }

    /**
     * Whether the cache can go back to {@code pos} (the next token stored there): always for a cache without
     * sliding layers or for 0; else only while every sliding layer still holds the window before {@code pos}.
     */
    boolean canTruncate(int pos) {
        if (pos == 0) return true;
        for (int l = 0; l < window.length; l++) if (window[l] > 0 && pos - window[l] + 1 < base[l]) return false;
        return true;
    }

    /** Goes back to {@code pos}; see {@link #canTruncate}. */
    void truncate(int pos) {
        if (!canTruncate(pos))
            throw new IllegalStateException("cannot go back to position " + pos + ": the sliding-window layers no longer hold the positions before it");
        if (pos == 0) java.util.Arrays.fill(base, 0);
    }

    /** Stores one position's keys ({@code k[kOff ..]}) and values ({@code v[vOff ..]}) for layer {@code layer}. */
    void store(int layer, int pos, float[] k, int kOff, float[] v, int vOff) {
        if (pos >= capacity) throw new IllegalStateException("KV cache full: position " + pos + " of " + capacity);
        if (pos - base[layer] >= rows[layer]) slide(layer, pos);
        pos -= base[layer]; // the row
        if (keys != null) {
            float[] kc = keys[layer];
            for (int i = 0; i < kvDimK; i++) kc[pos * kvDimK + i] = Float.float16ToFloat(Float.floatToFloat16(k[kOff + i]));
        } else {
            quantize(k, kOff, kvDimK, kRot, keysQ8[layer], pos * kRowBytes);
        }
        if (valuesInKeys) {
            // the values are the keys' first kvDimV entries, stored just above
        } else if (values != null) {
            float[] vc = values[layer];
            for (int i = 0; i < kvDimV; i++) vc[pos * kvDimV + i] = Float.float16ToFloat(Float.floatToFloat16(v[vOff + i]));
        } else {
            quantize(v, vOff, kvDimV, vRot, valuesQ8[layer], pos * vRowBytes);
        }
    }

    /** Quantizes one row to Q8_0, Hadamard-rotated first when {@code rot > 0}. */
    private void quantize(float[] x, int off, int n, int rot, MemorySegment dst, long dstOff) {
        if (rot == 0) {
            Q8.quantizeActivations(x, off, dst, dstOff, n);
            return;
        }
        System.arraycopy(x, off, rotated, 0, n);
        Hadamard.rotate(rotated, 0, n, rot);
        Q8.quantizeActivations(rotated, 0, dst, dstOff, n);
    }

    /** Bytes one position takes in a cache of these options (what {@link #bytes} grows by per position). */
    public static long bytesPerPosition(ModelConfig c, CacheOptions o) {
        long k = o.typeK() == KvCacheType.F16 ? 4L * c.kvDimK() : GgmlType.Q8_0.bytesFor(c.kvDimK());
        long v = o.typeV() == KvCacheType.F16 ? 4L * c.kvDimV() : GgmlType.Q8_0.bytesFor(c.kvDimV());
        if (c.valuesInKeys() && o.typeK() == KvCacheType.F16 && o.typeV() == KvCacheType.F16) v = 0;
        return (k + v) * c.layers();
    }

    public int capacity() {
        return capacity;
    }

    public CacheOptions options() {
        return options;
    }

    /** Bytes this cache occupies (F16 rows as the floats they are kept in, Q8_0 rows as blocks). */
    public long bytes() {
        long perPos = (keys != null ? 4L * kvDimK : kRowBytes) + (valuesInKeys ? 0 : values != null ? 4L * kvDimV : vRowBytes);
        long total = 0;
        for (int r : rows) total += perPos * r;
        return total;
    }

    /** Bytes llama.cpp's cache of the same types and capacity occupies (F16: 2 per value, Q8_0: 34 per 32). */
    public long ggmlBytes() {
        long perPos = (keys != null ? 2L * kvDimK : kRowBytes) + (valuesInKeys ? 0 : values != null ? 2L * kvDimV : vRowBytes);
        long total = 0; // llama.cpp's SWA cache: GGML_PAD(min(size, n_swa + n_ubatch), 256) cells (llama-kv-cache-iswa.cpp)
        for (int l = 0; l < rows.length; l++) total += perPos * (window[l] > 0 ? (Math.min(capacity, window[l] + maxBatch) + 255) / 256 * 256 : capacity);
        return total;
    }
}

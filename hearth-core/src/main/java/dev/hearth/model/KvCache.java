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

    public KvCache(ModelConfig c, int capacity) {
        this(c, capacity, CacheOptions.DEFAULT);
    }

    public KvCache(ModelConfig c, int capacity, CacheOptions options) {
        this.capacity = capacity;
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
        keys = qk ? null : new float[L][capacity * kvDimK];
        values = qv ? null : valuesInKeys ? keys : new float[L][capacity * kvDimV];
        keysQ8 = qk ? segments(L, capacity * kRowBytes) : null;
        valuesQ8 = qv ? segments(L, capacity * vRowBytes) : null;
    }

    private static MemorySegment[] segments(int n, long bytes) {
        MemorySegment[] s = new MemorySegment[n];
        for (int i = 0; i < n; i++) s[i] = Arena.ofAuto().allocate(Math.max(bytes, 1), 64);
        return s;
    }

    /** Stores one position's keys ({@code k[kOff ..]}) and values ({@code v[vOff ..]}) for layer {@code layer}. */
    void store(int layer, int pos, float[] k, int kOff, float[] v, int vOff) {
        if (pos >= capacity) throw new IllegalStateException("KV cache full: position " + pos + " of " + capacity);
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
        int layers = keys != null ? keys.length : keysQ8.length;
        return perPos * capacity * layers;
    }

    /** Bytes llama.cpp's cache of the same types and capacity occupies (F16: 2 per value, Q8_0: 34 per 32). */
    public long ggmlBytes() {
        long perPos = (keys != null ? 2L * kvDimK : kRowBytes) + (valuesInKeys ? 0 : values != null ? 2L * kvDimV : vRowBytes);
        int layers = keys != null ? keys.length : keysQ8.length;
        return perPos * capacity * layers;
    }
}

package dev.hearth.model;

import dev.hearth.tensor.GgmlType;
import dev.hearth.tensor.HalfRows;
import dev.hearth.tensor.TypeOps;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Keys and values of every layer for positions [0, capacity), one row per position and KV head, in the types of
 * its {@link CacheOptions}. An F16 row is the values' IEEE float16 bits, 2 bytes per value, as
 * llama.cpp's F16 cache holds them (rounded to nearest even by {@code Float.floatToFloat16}, the
 * conversion ggml's {@code GGML_FP32_TO_FP16} / F16C do); the attention kernels read them through
 * {@link HalfRows}, which gives bit for bit what float kernels give on the widened values. A Q8_0 row is
 * ggml's block_q8_0 bytes (34 per 32 values), written by the same run-time quantizer llama.cpp's
 * CPU backend uses when it stores a row ({@code set_rows} calls the type's {@code from_float}).
 * Memory is linear in the capacity; nothing here grows with the square of the context.
 *
 * <p>A layer's rows are grouped by KV head: all the rows of head 0, then all of head 1, and so on
 * ({@link #kRow}), where llama.cpp keeps one row of all the heads per position. The attention kernels read one
 * head's rows from the first position to the last, and so stream through memory: reading 128 bytes of
 * every 1 KB (a 1B Llama's head among its 8) ran at 9.5 GB/s on one thread here, the same bytes read in
 * order at 23 GB/s (widening F16 rows, 4096 positions × 16 layers, a throwaway harness).
 *
 * <p>Every layer's rows are one native {@link MemorySegment} (64-byte aligned), of either type, rather than
 * a Java array: the cache is most of a long context's memory (1 GiB for a 1B Llama at 32K), and off the
 * heap it neither makes the heap grow by that much (nor the GC scan or move it), so the process takes
 * about the cache plus the rest, as llama.cpp does; one representation also makes the SWA slide the same copies
 * (one per KV head) for both types. (Such segments count against {@code -XX:MaxDirectMemorySize}, which by default is the
 * heap's maximum: the limit a heap array had.)
 *
 * <p>A layer with a sliding window (Gemma-2's local layers) holds only the recent positions its
 * attention can still see, as llama.cpp's SWA cache does (llama-kv-cache-iswa.cpp): 2·window + maxBatch
 * rows, row r holding position {@code base[layer] + r}. When a position would fall past the last row, the
 * newest window + maxBatch − 1 rows of each head move to the front (once every ~window positions, so about one row
 * copied per position), which keeps the rows in position order for the attention kernels. Going back
 * ({@link #truncate}) is possible only while the rows a new token needs are still there.
 */
public final class KvCache {
    static final TypeOps Q8 = TypeOps.of(GgmlType.Q8_0);
    /** How a query head is encoded for {@code Q8.dot} (Q8_0's run-time activations, possibly in Hearth's wide layout). */
    static final TypeOps Q8_QUERY = TypeOps.of(Q8.dotType());

    final CacheOptions options;
    final MemorySegment[] keys;    // [layer]: head g's row r at kRow(layer, r, g) (F16 halves or Q8_0 blocks)
    final MemorySegment[] values;  // [layer]: at vRow(layer, r, g); the keys' array itself when valuesInKeys
    final boolean kF16, vF16;      // the row types (else Q8_0)
    /**
     * Per layer: whether an F16 row ever stored ±infinity or NaN, which {@link HalfRows}' shortcut does not
     * carry; the readers then widen exactly. It stays set (until the cache starts over at position 0).
     */
    final boolean[] nonFinite;
    final int headsKv, headDimK, headDimV;
    final boolean valuesInKeys; // values are a view of the keys (DeepSeek-V2's latent cache: one KV head, F16 only)
    final long kRowBytes;  // bytes of one head's row, and from a head's row to its next: 2·headDimK for F16, Q8_0 blocks
    final long vRowBytes;  // the same for values (the keys' rows when valuesInKeys)
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
        this.headsKv = c.headsKv();
        this.headDimK = c.headDimK();
        this.headDimV = c.headDimV();
        this.valuesInKeys = c.valuesInKeys() && options.typeK() == KvCacheType.F16 && options.typeV() == KvCacheType.F16;
        // src/llama-context.cpp: a quantized cache row must hold whole blocks of every head
        if (options.typeK() == KvCacheType.Q8_0 && c.headDimK() % 32 != 0)
            throw new IllegalArgumentException("K cache type q8_0 with block size 32 does not divide the head size " + c.headDimK());
        if (options.typeV() == KvCacheType.Q8_0 && c.headDimV() % 32 != 0)
            throw new IllegalArgumentException("V cache type q8_0 with block size 32 does not divide the head size " + c.headDimV());
        kRot = Hadamard.keySize(options.typeK(), c.headDimK());
        vRot = Hadamard.valueSize(options.typeV(), c.headDimV());
        rotated = new float[Math.max(headDimK, headDimV)];
        kF16 = options.typeK() == KvCacheType.F16;
        vF16 = options.typeV() == KvCacheType.F16;
        kRowBytes = rowBytes(options.typeK(), headDimK);
        vRowBytes = valuesInKeys ? kRowBytes : rowBytes(options.typeV(), headDimV);
        int L = c.layers();
        nonFinite = new boolean[L];
        keys = new MemorySegment[L];
        values = valuesInKeys ? keys : new MemorySegment[L];
        for (int l = 0; l < L; l++) {
            keys[l] = segment((long) rows[l] * headsKv * kRowBytes);
            if (!valuesInKeys) values[l] = segment((long) rows[l] * headsKv * vRowBytes);
        }
    }

    /** Bytes of one row of {@code n} values: 2 per value for F16 (ggml_fp16_t), 34 per 32 for Q8_0 (block_q8_0). */
    private static long rowBytes(KvCacheType t, int n) {
        return t == KvCacheType.F16 ? 2L * n : GgmlType.Q8_0.bytesFor(n);
    }

    /** Where KV head {@code g}'s key row {@code row} (position base[layer] + row) starts in {@code keys[layer]}. */
    long kRow(int layer, int row, int g) {
        return ((long) g * rows[layer] + row) * kRowBytes;
    }

    /** Where KV head {@code g}'s value row {@code row} starts in {@code values[layer]}. */
    long vRow(int layer, int row, int g) {
        return ((long) g * rows[layer] + row) * vRowBytes;
    }

    private static MemorySegment segment(long bytes) {
        return Arena.ofAuto().allocate(Math.max(bytes, 1), 64);
    }

    /** Moves a sliding layer's newest window + maxBatch − 1 rows to the front so that {@code pos} gets a row. */
    private void slide(int layer, int pos) {
        int newBase = Math.max(base[layer], pos - (window[layer] + maxBatch - 1));
        int shift = newBase - base[layer], keep = pos - newBase;
        for (int g = 0; g < headsKv; g++) {
            MemorySegment.copy(keys[layer], kRow(layer, shift, g), keys[layer], kRow(layer, 0, g), keep * kRowBytes);
            if (!valuesInKeys) MemorySegment.copy(values[layer], vRow(layer, shift, g), values[layer], vRow(layer, 0, g), keep * vRowBytes);
        }
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
        if (pos == 0) {
            java.util.Arrays.fill(base, 0);
            java.util.Arrays.fill(nonFinite, false); // every row read from now on is stored anew
        }
    }

    /** Stores one position's keys ({@code k[kOff ..]}) and values ({@code v[vOff ..]}) for layer {@code layer}. */
    void store(int layer, int pos, float[] k, int kOff, float[] v, int vOff) {
        if (pos >= capacity) throw new IllegalStateException("KV cache full: position " + pos + " of " + capacity);
        if (pos - base[layer] >= rows[layer]) slide(layer, pos);
        int row = pos - base[layer];
        for (int g = 0; g < headsKv; g++) {
            int kg = kOff + g * headDimK, vg = vOff + g * headDimV;
            if (kF16) nonFinite[layer] |= HalfRows.store(k, kg, keys[layer], kRow(layer, row, g), headDimK);
            else quantize(k, kg, headDimK, kRot, keys[layer], kRow(layer, row, g));
            if (valuesInKeys) {
                // the values are the keys' first headDimV entries, stored just above
            } else if (vF16) {
                nonFinite[layer] |= HalfRows.store(v, vg, values[layer], vRow(layer, row, g), headDimV);
            } else {
                quantize(v, vg, headDimV, vRot, values[layer], vRow(layer, row, g));
            }
        }
    }

    /** Quantizes one head's row to Q8_0, Hadamard-rotated first when {@code rot > 0}. */
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
        long k = rowBytes(o.typeK(), c.kvDimK()), v = rowBytes(o.typeV(), c.kvDimV());
        if (c.valuesInKeys() && o.typeK() == KvCacheType.F16 && o.typeV() == KvCacheType.F16) v = 0;
        return (k + v) * c.layers();
    }

    public int capacity() {
        return capacity;
    }

    public CacheOptions options() {
        return options;
    }

    /** Bytes this cache's rows occupy (F16: 2 per value, Q8_0: 34 per 32), for the rows it allocated. */
    public long bytes() {
        long perPos = headsKv * (kRowBytes + (valuesInKeys ? 0 : vRowBytes));
        long total = 0;
        for (int r : rows) total += perPos * r;
        return total;
    }

    /**
     * Bytes llama.cpp's cache of the same types and capacity occupies: the same rows, but its SWA layers keep
     * GGML_PAD(min(size, n_swa + n_ubatch), 256) cells (llama-kv-cache-iswa.cpp) where Hearth keeps 2·window + maxBatch.
     */
    public long ggmlBytes() {
        long perPos = headsKv * (kRowBytes + (valuesInKeys ? 0 : vRowBytes));
        long total = 0;
        for (int l = 0; l < rows.length; l++) total += perPos * (window[l] > 0 ? (Math.min(capacity, window[l] + maxBatch) + 255) / 256 * 256 : capacity);
        return total;
    }
}

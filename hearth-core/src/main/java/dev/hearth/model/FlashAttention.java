package dev.hearth.model;

import dev.hearth.tensor.ComputePool;
import dev.hearth.tensor.FloatOps;
import dev.hearth.tensor.HalfRows;
import java.lang.foreign.MemorySegment;

/**
 * Causal grouped-query attention as a running (online) softmax over the KV cache: no row of scores
 * is ever kept, only a running max M, a running sum S and an accumulator of weighted values, divided
 * by S at the end. Mirrors the numerics of ggml's CPU kernel (ggml/src/ggml-cpu/ops.cpp,
 * {@code ggml_compute_forward_flash_attn_ext_f16}), which has three flavours chosen per step:
 *
 * <ul>
 * <li><b>one position at a time</b> ({@code _one_chunk}: steps of fewer than 64 tokens, any quantized
 *     cache). The query is converted to K's dot type first (F16 K: rounded to float16 and dotted in
 *     ggml_vec_dot_f16's order, {@link FloatOps#dotSteps}; Q8_0 K: quantized to Q8_0 and dotted in integers,
 *     ggml_vec_dot_q8_0_q8_0). For each position, s = q·k·scale; if s
 *     raises M, the accumulator and S are scaled by exp(M_old − s) and the weight is 1, else the weight is
 *     exp(s − M). For an F16 V the accumulator is itself float16: every scale and every multiply-add is
 *     rounded back to float16 (ggml_vec_scale_f16, ggml_vec_mad_f16; {@link HalfAccumulator}). A Q8_0 V
 *     row is dequantized and accumulated in float32.</li>
 * <li><b>split over the cells</b> ({@code use_split_kv_path}: a step of one token over ≥ 512 cells of an
 *     F16 cache, i.e. decoding at depth). The cells llama.cpp attends over ({@link #cells}) are cut into
 *     one range per thread, each range runs the flavour above, and the partial results are merged in
 *     float32. The ranges follow the thread count, so Hearth with -t N matches llama.cpp with -t N.</li>
 * <li><b>tiles of 64 positions</b> ({@code _tiled}: an F16 cache and a step of at least 64 query tokens,
 *     i.e. prompt processing). The query stays float32; a tile's 64 scores are computed as a small GEMM,
 *     M is raised once per tile, the tile's exp(s − M) summed in double (ggml_vec_soft_max_f32) and V
 *     accumulated in float32 by another GEMM ({@link TiledAttention}). Tiles start at multiples of 64
 *     positions, as ggml's do for a sequence that fills the cache from cell 0.</li>
 * </ul>
 *
 * <p>{@code scale} multiplies q·k (the architecture's, 1/√head size by default); {@code softcap}
 * (0 = none) applies s ← softcap·tanh(s) before the mask, with the scale divided by softcap first, as
 * ggml does; {@code window} (0 = none) lets a token at position p see only positions
 * {@code > p − window} (llama.cpp's standard sliding window).
 */
final class FlashAttention {
    /** Positions per tile of the tiled flavour (ggml-cpu/common.h GGML_FA_TILE_KV), and the step size from which ggml uses it (GGML_FA_TILE_Q). */
    static final int KV_TILE = 64, Q_TILE = 64;

    /** Positions whose scores the one-position flavour computes before it runs their softmax steps. */
    private static final int RUN_BLOCK = 16;

    /** Values per step of ggml's F16 vector loops with AVX-512 and no native float16 arithmetic (simd-mappings.h GGML_F16_STEP). */
    static final int F16_STEP = 64;

    private FlashAttention() {}

    /** For each token of the batch (its cache and position in {@code b}), writes every head's output to {@code out}. */
    static void attend(ModelConfig c, ComputePool pool, Workspace ws, Batch b, int layer, float[] q, float[] out,
                       float scale, float softcap, int window) {
        int n = b.size();
        int heads = c.heads(), dk = c.headDimK(), dv = c.headDimV();
        int group = heads / c.headsKv();
        CacheOptions o = b.caches()[0].options;
        // ops.cpp ggml_compute_forward_flash_attn_ext_f16: use_tiled needs F16 K = V, ≥ Q_TILE query rows and DV a multiple of the f32 vector width (16 with AVX-512)
        boolean tiled = o.typeK() == KvCacheType.F16 && o.typeV() == KvCacheType.F16 && n >= Q_TILE && dv % 16 == 0 && !b.tokenwise();
        // use_split_kv_path: one token in the step, an F16 cache, at least 512 cells; ggml splits the cells among its threads.
        // A tokenwise batch takes, per token, the path a step of that token alone would take.
        boolean splitCache = o.typeK() == KvCacheType.F16 && o.typeV() == KvCacheType.F16 && (n == 1 || b.tokenwise());
        int chunks = pool.threads();
        float sc = softcap != 0 ? scale / softcap : scale;
        int qDim = c.qDim(), oDim = heads * dv;
        long cost = 0;
        for (int t = 0; t < n; t++) cost += (long) heads * (b.positions()[t] + 1) * (dk + dv);
        if (tiled) {
            TiledAttention.attend(c, pool, ws, b, layer, q, out, sc, softcap, window, cost);
            return;
        }
        Step s = ws.flashStep;
        s.pool = pool;
        s.ws = ws;
        s.b = b;
        s.q = q;
        s.out = out;
        s.layer = layer;
        s.kvHeads = c.headsKv();
        s.items = n * c.headsKv();
        s.group = group;
        s.dk = dk;
        s.dv = dv;
        s.qDim = qDim;
        s.oDim = oDim;
        s.window = window;
        s.chunks = chunks;
        s.sc = sc;
        s.softcap = softcap;
        s.splitCache = splitCache;
        try {
            pool.run(cost, s);
        } finally {
            s.b = null;
            s.q = s.out = null;
        }
    }

    /**
     * A step's groups of query heads (token, KV head), claimed by the pool's threads: the job of {@link #attend}'s
     * one-position and split flavours, one per workspace, its fields set for each layer (a lambda capturing them was
     * allocated per layer and token).
     */
    static final class Step implements ComputePool.Job {
        private ComputePool pool;
        private Workspace ws;
        private Batch b;
        private float[] q, out;
        private int layer, kvHeads, items, group, dk, dv, qDim, oDim, window, chunks;
        private float sc, softcap;
        private boolean splitCache;

        @Override
        public void run(int thread, int threads) {
            for (int w; (w = pool.claim()) < items; ) {
                int t = w / kvHeads, g = w % kvHeads;
                KvCache cache = b.caches()[t];
                int pos = b.positions()[t];
                int first = Attention.firstVisible(pos, window); // causal (and windowed): positions first .. pos
                if (first < cache.base[layer]) throw new IllegalStateException("layer " + layer + ": position " + first + " is no longer in the cache");
                boolean splitKv = splitCache && cells(pos, cache.capacity()) >= 512;
                oneGroup(ws, thread, cache, layer, g, group, dk, dv, q, t * qDim + g * group * dk, first, pos, sc, softcap, out, t * oDim + g * group * dv,
                        splitKv ? chunks : 1, splitKv ? cells(pos, cache.capacity()) : 0);
            }
        }
    }

    /**
     * llama.cpp's KV cells a step attends over (src/llama-kv-cache.cpp get_n_kv): the used cells rounded up
     * to 256, at least 256, at most the cache (whose size llama.cpp also rounds up to 256).
     */
    static int cells(int pos, int capacity) {
        return Math.min(pad256(capacity), Math.max(256, pad256(pos + 1)));
    }

    private static int pad256(int n) {
        return (n + 255) / 256 * 256;
    }

    /**
     * ggml's {@code _one_chunk}: the running softmax updated one position at a time, for the {@code group}
     * query heads that share KV head {@code g} (their queries at {@code q[qOff + i·dk]}, outputs at
     * {@code out[oOff + i·dv]}). They go through the positions together, so each key and value row is read
     * from the cache once for all of them; each head's arithmetic is the same as alone. With {@code chunks}
     * &gt; 1 (the split-KV path: one decoded token over {@code cells} ≥ 512 cells of an F16 cache) the cells
     * are cut into {@code chunks} equal ranges, each gets its own running softmax, and the partial results
     * are merged in float32 ({@code ggml_flash_attn_ext_reduce_partials}).
     */
    private static void oneGroup(Workspace ws, int thread, KvCache cache, int layer, int g, int group, int dk, int dv,
                                 float[] q, int qOff, int first, int pos, float scale, float softcap, float[] out, int oOff,
                                 int chunks, int cells) {
        float[][] qh = ws.groupRows(thread, 0, group, dk), acc = ws.groupRows(thread, 1, group, dv), merged = ws.groupRows(thread, 2, group, dv);
        MemorySegment[] qq = cache.kF16 ? null : ws.groupQ8(thread, group, KvCache.Q8_QUERY.type().bytesFor(dk + 31 & ~31));
        float[] state = ws.blockState(thread, 4 * group); // per head: the running max and sum of a range, the merged max and sum
        for (int i = 0; i < group; i++) {
            // the query (rotated like the keys, if they are) in K's dot type (ggml: q_to_vec_dot = from_float of K's vec_dot_type)
            System.arraycopy(q, qOff + i * dk, qh[i], 0, dk);
            if (cache.kRot > 0) Hadamard.rotate(qh[i], 0, dk, cache.kRot);
            if (!cache.kF16) KvCache.Q8_QUERY.quantizeActivations(qh[i], 0, qq[i], 0, dk);
            else FloatOps.roundToF16(qh[i], 0, dk);
            // F16 keys are read through HalfRows' shortcut, which wants the query times 2¹¹² (exact: |qh| ≤ 65504 or infinite)
            if (cache.kF16 && !cache.nonFinite[layer]) for (int d = 0; d < dk; d++) qh[i][d] *= HalfRows.SCALE;
        }

        if (chunks <= 1) {
            run(ws, thread, cache, layer, g, group, dk, dv, qh, qq, acc, state, first, pos, scale, softcap);
            for (int i = 0; i < group; i++) {
                float S = state[4 * i + 1], inv = S == 0 ? 0 : 1 / S;
                for (int d = 0; d < dv; d++) out[oOff + i * dv + d] = acc[i][d] * inv;
            }
        } else {
            for (int i = 0; i < group; i++) {
                java.util.Arrays.fill(merged[i], 0, dv, 0f);
                state[4 * i + 2] = Float.NEGATIVE_INFINITY;
                state[4 * i + 3] = 0;
            }
            int size = (cells + chunks - 1) / chunks;
            for (int start = 0; start < cells; start += size) {
                int lo = Math.max(first, start), hi = Math.min(pos, start + size - 1);
                if (lo > hi) continue; // every cell of the chunk masked: its S is 0 and the merge skips it
                run(ws, thread, cache, layer, g, group, dk, dv, qh, qq, acc, state, lo, hi, scale, softcap);
                for (int i = 0; i < group; i++) {
                    float Mc = state[4 * i], Sc = state[4 * i + 1], M = state[4 * i + 2], S = state[4 * i + 3];
                    if (Sc == 0) continue;
                    float Mn = Math.max(M, Mc), old = (float) Math.exp(M - Mn), now = (float) Math.exp(Mc - Mn);
                    for (int d = 0; d < dv; d++) merged[i][d] = merged[i][d] * old + acc[i][d] * now;
                    state[4 * i + 3] = S * old + Sc * now;
                    state[4 * i + 2] = Mn;
                }
            }
            for (int i = 0; i < group; i++) {
                float S = state[4 * i + 3], inv = S == 0 ? 0 : 1 / S;
                for (int d = 0; d < dv; d++) out[oOff + i * dv + d] = merged[i][d] * inv;
            }
        }
        if (cache.vRot > 0) for (int i = 0; i < group; i++) Hadamard.rotate(out, oOff + i * dv, dv, cache.vRot); // the values were rotated: rotate back
    }

    /**
     * The running softmax of each prepared query of the group over positions {@code lo..hi}: its weighted values
     * into {@code acc[i]} (not yet divided), its max and sum into {@code state[4i]} and {@code state[4i + 1]}.
     */
    private static void run(Workspace ws, int thread, KvCache cache, int layer, int g, int group, int dk, int dv,
                            float[][] qh, MemorySegment[] qq, float[][] acc, float[] state, int lo, int hi, float scale, float softcap) {
        float[] decoded = ws.vRow[thread], row = ws.kvRow[thread];
        boolean kF16 = cache.kF16, vF16 = cache.vF16;
        boolean fast = !cache.nonFinite[layer]; // F16 rows through HalfRows' scaled shortcut (qh was scaled), else widened exactly
        MemorySegment keys = cache.keys[layer], values = cache.values[layer];
        int r0 = cache.base[layer]; // the position in row 0 (a sliding layer's cache keeps only recent rows)
        for (int i = 0; i < group; i++) {
            java.util.Arrays.fill(acc[i], 0, dv, 0f);
            state[4 * i] = Float.NEGATIVE_INFINITY;
            state[4 * i + 1] = 0;
        }
        // positions in blocks: first every score of the block, then each head's running max and weights, then the values,
        // so that a head's float16 accumulator stays in registers across the block (each head's operations in ggml's order)
        float[] w = ws.blockQ(thread, 3 * group * RUN_BLOCK), lanes = ws.blockRows(thread, 1024); // lanes: dotSteps4's scratch
        int msOff = group * RUN_BLOCK, vsOff = 2 * group * RUN_BLOCK;
        boolean registers = vF16 && fast && dv % 64 == 0;
        for (int jb = lo; jb <= hi; jb += RUN_BLOCK) {
            int count = Math.min(RUN_BLOCK, hi - jb + 1);
            int i0 = 0; // query heads whose raw dots are already in w
            if (kF16 && fast && dk % F16_STEP == 0)
                for (; i0 + 4 <= group; i0 += 4) // each key row widened once for four heads
                    HalfRows.dotSteps4(qh[i0], qh[i0 + 1], qh[i0 + 2], qh[i0 + 3], keys, cache.kRow(layer, jb - r0, g), cache.kRowBytes, count, dk, lanes, w, i0 * RUN_BLOCK);
            for (int p = 0; p < count; p++) {
                long kRow = cache.kRow(layer, jb + p - r0, g);
                if (kF16 && !fast) HalfRows.widen(keys, kRow, row, 0, dk);
                for (int i = 0; i < group; i++) {
                    float s;
                    if (i < i0) s = w[i * RUN_BLOCK + p];
                    else if (!kF16) s = KvCache.Q8.dot(keys, kRow, qq[i], 0, dk);
                    else if (fast) s = dotF16(qh[i], keys, kRow, dk);
                    else s = dotF16(qh[i], row, 0, dk);
                    s *= scale;
                    if (softcap != 0) s = softcap * (float) Math.tanh(s);
                    w[i * RUN_BLOCK + p] = s;
                }
            }
            for (int i = 0; i < group; i++) {
                float M = state[4 * i], S = state[4 * i + 1];
                for (int p = 0; p < count; p++) {
                    float s = w[i * RUN_BLOCK + p], ms = 1, vs = 1;
                    if (s > M) { // a new maximum: what was accumulated is rescaled; this position's weight is exp(0) = 1
                        ms = (float) Math.exp(M - s);
                        M = s;
                    } else {
                        vs = (float) Math.exp(s - M);
                    }
                    S = Math.fma(S, ms, vs); // S*ms + vs, contracted to one FMA by GCC in ggml's build
                    w[msOff + i * RUN_BLOCK + p] = ms;
                    w[vsOff + i * RUN_BLOCK + p] = vs;
                }
                state[4 * i] = M;
                state[4 * i + 1] = S;
            }
            if (registers) {
                // vs·2¹¹² is exact (vs ∈ [0, 1]): HalfRows' shortcut
                for (int i = 0; i < group; i++) for (int p = 0; p < count; p++) w[vsOff + i * RUN_BLOCK + p] *= HalfRows.SCALE;
                for (int i = 0; i < group; i++)
                    HalfAccumulator.run(w, msOff + i * RUN_BLOCK, vsOff + i * RUN_BLOCK, count, values, cache.vRow(layer, jb - r0, g), cache.vRowBytes, acc[i], dv);
                continue;
            }
            for (int p = 0; p < count; p++) {
                long vRow = cache.vRow(layer, jb + p - r0, g);
                if (!vF16) KvCache.Q8.dequantize(values, vRow, decoded, 0, dv);
                else if (!fast) HalfRows.widen(values, vRow, row, 0, dv);
                for (int i = 0; i < group; i++) {
                    float ms = w[msOff + i * RUN_BLOCK + p], vs = w[vsOff + i * RUN_BLOCK + p];
                    if (ms != 1) { // (a factor of exactly 1 changes nothing: the accumulator holds float16 values already)
                        if (vF16) HalfAccumulator.scale(acc[i], ms, dv);
                        else for (int d = 0; d < dv; d++) acc[i][d] *= ms;
                    }
                    if (vF16) {
                        // ggml_vec_mad_f16: a fused multiply-add (vector FMA, and GCC contracts the scalar rest's y + x·v too)
                        if (fast) HalfAccumulator.fma(vs * HalfRows.SCALE, values, vRow, acc[i], dv);
                        else HalfAccumulator.fma(vs, row, 0, acc[i], dv);
                    } else {
                        FloatOps.axpy(vs, decoded, 0, acc[i], 0, dv);
                    }
                }
            }
        }
    }

    /**
     * ggml_vec_dot_f16 on x86 without AVX512-FP16: four float accumulators over whole steps of F16_STEP values
     * ({@link FloatOps#dotSteps}), and the rest summed in double (for head sizes under 64, the whole dot).
     */
    private static float dotF16(float[] q, float[] k, int kOff, int n) {
        int np = n & ~(F16_STEP - 1);
        double sum = np > 0 ? FloatOps.dotSteps(q, 0, k, kOff, np) : 0;
        for (int i = np; i < n; i++) sum += q[i] * k[kOff + i];
        return (float) sum;
    }

    /** {@link #dotF16(float[], float[], int, int)} over a finite row of float16 bits, {@code q} times 2¹¹² (HalfRows). */
    private static float dotF16(float[] q, MemorySegment k, long kOff, int n) {
        int np = n & ~(F16_STEP - 1);
        double sum = np > 0 ? HalfRows.dotSteps(q, 0, k, kOff, np) : 0;
        for (int i = np; i < n; i++) sum += q[i] * HalfRows.scaledDown(k, kOff + 2L * i);
        return (float) sum;
    }
}

package dev.hearth.model;

import dev.hearth.tensor.ComputePool;
import dev.hearth.tensor.FloatOps;
import dev.hearth.tensor.HalfRows;
import java.lang.foreign.MemorySegment;

/**
 * Causal grouped-query attention over the KV cache, computed as llama.cpp does without flash
 * attention: scores = K·q with q rounded to float16 (ggml converts the query to the cache's F16
 * before the product), softmax(scores × 1/√d) with the sum in double, then the weights rounded to
 * float16 and multiplied with V. With a Q8_0 K cache the query is quantized to Q8_0 instead (K's
 * vec_dot_type, as ggml's mul_mat converts it) and the scores are integer dots. The V cache is F16
 * here: llama.cpp refuses a quantized V without flash attention ({@link CacheOptions}). F16 rows are read as
 * float16 bits ({@link HalfRows}), with the same results as the floats they widen to.
 *
 * <p>With an F16 cache and head sizes that are multiples of 16 (the usual case) {@link GemmAttention} does the work,
 * in the order of llama.cpp's matrix products. The paths here (a Q8_0 K cache; other head sizes) sum each output
 * over the positions in one chain, which is close to but not llama.cpp's order (its ggml_vec_dot_f16 or Q8_0 dot
 * over the transposed V).
 */
final class Attention {
    private Attention() {}

    /** For each token of the batch (its cache and position in {@code b}), writes every head's output to {@code out}. */
    static void attend(ModelConfig c, ComputePool pool, Workspace ws, Batch b, int layer, float[] q, float[] out) {
        attend(c, pool, ws, b, layer, q, out, (float) (1.0 / Math.sqrt(c.headDimK())));
    }

    /** As above, with the scores multiplied by {@code scale} (the architecture's; 1/√head size by default). */
    static void attend(ModelConfig c, ComputePool pool, Workspace ws, Batch b, int layer, float[] q, float[] out, float scale) {
        attend(c, pool, ws, b, layer, q, out, scale, 0f, 0);
    }

    /**
     * As above, with two options: {@code softcap} &gt; 0 caps each raw score s to softcap·tanh(s / softcap)
     * before the scale (Gemma-2; llama.cpp's build_attn_mha); {@code window} &gt; 0 lets a query at position p
     * see only keys at positions &gt; p - window (llama.cpp's standard sliding-window mask, is_masked_swa).
     */
    static void attend(ModelConfig c, ComputePool pool, Workspace ws, Batch b, int layer, float[] q, float[] out,
                       float scale, float softcap, int window) {
        int n = b.size();
        int heads = c.heads(), dk = c.headDimK(), dv = c.headDimV();
        int group = heads / c.headsKv();
        int qDim = c.qDim(), oDim = heads * dv;
        int work = n * heads;
        long cost = 0;
        for (int t = 0; t < n; t++) cost += (long) heads * (b.positions()[t] + 1) * (dk + dv);
        if (GemmAttention.applies(b.caches()[0], dk, dv)) {
            GemmAttention.attend(c, pool, ws, b, layer, q, out, scale, softcap, window, cost);
            return;
        }
        if (b.caches()[0].kF16) {
            // head sizes that are not whole vectors: blocks of Q_BLOCK tokens × the query heads that share one KV head, claimed from the latest (later tokens see more positions)
            int blocks = (n + Q_BLOCK - 1) / Q_BLOCK, items = blocks * c.headsKv();
            pool.run(cost, (thread, threads) -> {
                for (int k; (k = pool.claim()) < items; ) {
                    int w = items - 1 - k; // the costliest (latest) block first
                    int t0 = (w / c.headsKv()) * Q_BLOCK;
                    block(ws, thread, b, layer, w % c.headsKv(), group, t0, Math.min(n, t0 + Q_BLOCK), dk, dv, q, qDim, out, oDim, scale, softcap, window);
                }
            });
            return;
        }
        pool.run(cost, (thread, threads) -> {
            float[] scores = ws.scores[thread];
            float[] qh = ws.qHead[thread];
            MemorySegment qq = ws.qHeadQ8[thread];
            float[] row = ws.kvRow[thread]; // an F16 row widened exactly, when the layer holds a non-finite value
            for (int w; (w = pool.claim()) < work; ) {
                int t = w / heads, h = w % heads, g = h / group;
                int len = b.positions()[t] + 1; // causal: positions 0 .. its own
                int first = firstVisible(len - 1, window); // sliding window: the last `window` of them
                KvCache cache = b.caches()[t];
                int r0 = cache.base[layer]; // the position in row 0 (a sliding layer's cache keeps only recent rows)
                if (first < r0) throw new IllegalStateException("layer " + layer + ": position " + first + " is no longer in the cache");
                MemorySegment keys = cache.keys[layer], values = cache.values[layer];
                boolean fast = !cache.nonFinite[layer]; // F16 rows read through HalfRows' scaled shortcut, else widened exactly
                System.arraycopy(q, t * qDim + h * dk, qh, 0, dk);
                if (cache.kRot > 0) Hadamard.rotate(qh, 0, dk, cache.kRot); // rotated like the keys were
                if (!cache.kF16) KvCache.Q8_QUERY.quantizeActivations(qh, 0, qq, 0, dk);
                else FloatOps.roundToF16(qh, 0, dk);
                if (cache.kF16 && fast) for (int d = 0; d < dk; d++) qh[d] *= HalfRows.SCALE; // exact: |qh| ≤ 65504 or infinite
                float max = Float.NEGATIVE_INFINITY;
                for (int j = first; j < len; j++) {
                    long kRow = cache.kRow(layer, j - r0, g);
                    float sc;
                    if (!cache.kF16) sc = KvCache.Q8.dot(keys, kRow, qq, 0, dk);
                    else if (fast) sc = HalfRows.dot(qh, 0, keys, kRow, dk);
                    else {
                        HalfRows.widen(keys, kRow, row, 0, dk);
                        sc = FloatOps.dot(qh, 0, row, 0, dk);
                    }
                    if (softcap > 0f) sc = (float) Math.tanh(sc * (1f / softcap)) * softcap;
                    sc *= scale;
                    scores[j] = sc;
                    if (sc > max) max = sc;
                }
                double sum = FloatOps.softmaxExp(scores, first, len, max);
                float inv = (float) (1.0 / sum);
                int o = t * oDim + h * dv;
                java.util.Arrays.fill(out, o, o + dv, 0f);
                for (int j = first; j < len; j++) {
                    float p = Float.float16ToFloat(Float.floatToFloat16(scores[j] * inv));
                    long vRow = cache.vRow(layer, j - r0, g);
                    if (fast) HalfRows.axpy(p * HalfRows.SCALE, values, vRow, out, o, dv); // p·2¹¹² is exact: p ∈ [0, 1]
                    else {
                        HalfRows.widen(values, vRow, row, 0, dv);
                        FloatOps.axpy(p, row, 0, out, o, dv);
                    }
                }
            }
        });
    }

    /**
     * The first position a query at {@code pos} sees: 0, or with a sliding window ({@code window} &gt; 0) the
     * oldest of the last {@code window} positions up to its own (llama.cpp's is_masked_swa).
     */
    static int firstVisible(int pos, int window) {
        return window > 0 ? Math.max(0, pos - window + 1) : 0;
    }

    /** Tokens whose queries are scored and weighted together, with all the heads of one KV group. */
    static final int Q_BLOCK = 8;

    /**
     * The queries of tokens {@code t0 .. t1-1} and the {@code group} heads that share KV head {@code g}, with an
     * F16 K cache: every key row is dotted with all of them while it is in L1, then every value row is added
     * to all of their outputs, instead of each query reading all the rows again. Each query's own arithmetic
     * (its scores, its softmax, its sum over the values in position order) is the same as alone.
     */
    private static void block(Workspace ws, int thread, Batch b, int layer, int g, int group, int t0, int t1, int dk, int dv,
                              float[] q, int qDim, float[] out, int oDim, float scale, float softcap, int window) {
        int nq = (t1 - t0) * group, span = 0;
        for (int t = t0; t < t1; t++) span = Math.max(span, b.positions()[t] + 1);
        float[] qs = ws.blockQ(thread, nq * dk), state = ws.blockState(thread, 3 * nq), scores = ws.blockRows(thread, nq * span);
        float[] row = ws.kvRow[thread]; // an F16 row widened exactly, when the layer holds a non-finite value
        int lo = Integer.MAX_VALUE, hi = 0;
        for (int t = t0; t < t1; t++) {
            int len = b.positions()[t] + 1, first = firstVisible(len - 1, window);
            KvCache cache = b.caches()[t];
            if (first < cache.base[layer]) throw new IllegalStateException("layer " + layer + ": position " + first + " is no longer in the cache");
            lo = Math.min(lo, first);
            hi = Math.max(hi, len);
            boolean fast = !cache.nonFinite[layer]; // F16 rows read through HalfRows' scaled shortcut, else widened exactly
            for (int i = 0; i < group; i++) {
                int qi = (t - t0) * group + i, o = qi * dk;
                System.arraycopy(q, t * qDim + (g * group + i) * dk, qs, o, dk);
                if (cache.kRot > 0) Hadamard.rotate(qs, o, dk, cache.kRot); // rotated like the keys were
                FloatOps.roundToF16(qs, o, dk);
                if (fast) for (int d = 0; d < dk; d++) qs[o + d] *= HalfRows.SCALE; // exact: |qs| ≤ 65504 or infinite
                state[3 * qi] = Float.NEGATIVE_INFINITY;
            }
        }
        for (int j = lo; j < hi; j++) {
            for (int t = t0; t < t1; t++) {
                int len = b.positions()[t] + 1, first = firstVisible(len - 1, window);
                if (j < first || j >= len) continue;
                KvCache cache = b.caches()[t];
                long kRow = cache.kRow(layer, j - cache.base[layer], g);
                boolean fast = !cache.nonFinite[layer];
                if (!fast) HalfRows.widen(cache.keys[layer], kRow, row, 0, dk);
                for (int i = 0; i < group; i++) {
                    int qi = (t - t0) * group + i;
                    float sc = fast ? HalfRows.dot(qs, qi * dk, cache.keys[layer], kRow, dk) : FloatOps.dot(qs, qi * dk, row, 0, dk);
                    if (softcap > 0f) sc = (float) Math.tanh(sc * (1f / softcap)) * softcap;
                    sc *= scale;
                    scores[qi * span + j] = sc;
                    if (sc > state[3 * qi]) state[3 * qi] = sc;
                }
            }
        }
        for (int t = t0; t < t1; t++) {
            int len = b.positions()[t] + 1, first = firstVisible(len - 1, window);
            for (int i = 0; i < group; i++) {
                int qi = (t - t0) * group + i, o = t * oDim + (g * group + i) * dv;
                // ggml_vec_soft_max_f32 over the row: 16-lane chunks from `first` on, as when the row starts at 0 of a scores array
                double sum = FloatOps.softmaxExp(scores, qi * span + first, qi * span + len, state[3 * qi]);
                state[3 * qi + 1] = (float) (1.0 / sum);
                java.util.Arrays.fill(out, o, o + dv, 0f);
            }
        }
        for (int j = lo; j < hi; j++) {
            for (int t = t0; t < t1; t++) {
                int len = b.positions()[t] + 1, first = firstVisible(len - 1, window);
                if (j < first || j >= len) continue;
                KvCache cache = b.caches()[t];
                long vRow = cache.vRow(layer, j - cache.base[layer], g);
                boolean fast = !cache.nonFinite[layer];
                if (!fast) HalfRows.widen(cache.values[layer], vRow, row, 0, dv);
                for (int i = 0; i < group; i++) {
                    int qi = (t - t0) * group + i, o = t * oDim + (g * group + i) * dv;
                    float p = Float.float16ToFloat(Float.floatToFloat16(scores[qi * span + j] * state[3 * qi + 1]));
                    if (fast) HalfRows.axpy(p * HalfRows.SCALE, cache.values[layer], vRow, out, o, dv); // p·2¹¹² is exact: p ∈ [0, 1]
                    else FloatOps.axpy(p, row, 0, out, o, dv);
                }
            }
        }
    }
}

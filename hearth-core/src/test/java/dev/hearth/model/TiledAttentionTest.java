package dev.hearth.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.tensor.ComputePool;
import dev.hearth.tensor.FloatOps;
import dev.hearth.tensor.HalfRows;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The tiled flavour of flash attention against a one-query-at-a-time transcription of ggml's
 * {@code ggml_compute_forward_flash_attn_ext_tiled} (ops.cpp, llama.cpp 80fb11a), bit for bit: per 64-position
 * tile, scores as one FMA chain over the head's dimensions from 0 (simd_gemm), times the scale, softcap, mask;
 * the running max raised once per tile; ggml_vec_soft_max_f32 (here {@link FloatOps#softmaxExp}, itself checked
 * against ggml elsewhere); values as one FMA chain per output value over the tile's positions. Steps mix two
 * caches (two slots, so chunks are cut where the cache changes), and cover GQA groups of 1, 4 and 6, a head size
 * that is not a multiple of 64, a sliding window and a softcap.
 */
class TiledAttentionTest {
    @ParameterizedTest(name = "heads {0}/{1}, head size {2}, window {3}, softcap {4}")
    @CsvSource({"8, 2, 64, 0, 0", "4, 4, 32, 0, 0", "12, 2, 48, 100, 0", "8, 2, 64, 0, 30"})
    void chunksGiveWhatEachQueryGetsAlone(int heads, int headsKv, int headSize, int window, float softcap) {
        ModelConfig c = new ModelConfig("llama", heads * headSize, 1, heads, headsKv, headSize, headSize, 64, 256, 4096, 1e-5f, 10000f, headSize, 1f);
        CacheOptions o = CacheOptions.resolve("on", "f16", "f16");
        SplittableRandom rnd = new SplittableRandom(7);
        // with a window, slot a's cache is a sliding one (it keeps only recent rows) whose first row ends up at a position that
        // is not a multiple of 16, so whole blocks of 16 positions would reach before it
        KvCache a = window > 0 ? new KvCache(c, 768, o, new int[] {window}, 100) : new KvCache(c, 768, o), b = new KvCache(c, 768, o);
        float[] k = new float[c.kvDimK()], v = new float[c.kvDimV()];
        for (KvCache cache : new KvCache[] {a, b})
            for (int pos = 0; pos < 700; pos++) {
                for (int i = 0; i < k.length; i++) k[i] = (float) (rnd.nextGaussian() * (i % 7 == 0 ? 1e-5 : 2)); // some subnormal halves
                for (int i = 0; i < v.length; i++) v[i] = (float) rnd.nextGaussian();
                cache.store(0, pos, k, 0, v, 0);
            }
        if (window > 0) assertThat(a.base[0] % 16).as("first row of the sliding cache at %d", a.base[0]).isNotZero();
        // 70 tokens of slot a at 503..572 (the first seen by the first of them, with the window, is the sliding cache's first row), then 30 of slot b at 3..32
        int n = 100;
        KvCache[] caches = new KvCache[n];
        int[] positions = new int[n];
        for (int t = 0; t < n; t++) {
            caches[t] = t < 70 ? a : b;
            positions[t] = t < 70 ? 503 + t : t - 67;
        }
        float[] q = new float[n * c.qDim()];
        for (int i = 0; i < q.length; i++) q[i] = (float) (rnd.nextGaussian() * 3);
        float scale = 0.125f, sc = softcap != 0 ? scale / softcap : scale;
        float[] out = new float[n * heads * headSize];
        try (ComputePool pool = new ComputePool(2)) {
            Workspace ws = new Workspace(c, pool.threads(), n, 768);
            FlashAttention.attend(c, pool, ws, new Batch(new int[n], caches, positions, new int[0]), 0, q, out, scale, softcap, window);
        }
        int group = heads / headsKv;
        for (int t = 0; t < n; t++)
            for (int h = 0; h < heads; h++) {
                float[] want = reference(caches[t], h / group, headSize, Arrays.copyOfRange(q, t * c.qDim() + h * headSize, t * c.qDim() + (h + 1) * headSize),
                        positions[t], window, sc, softcap);
                float[] got = Arrays.copyOfRange(out, (t * heads + h) * headSize, (t * heads + h + 1) * headSize);
                assertThat(got).as("token %d head %d", t, h).containsExactly(want);
            }
    }

    /** ggml's tiled flash attention for one query (head {@code g}'s keys and values, positions first..pos). */
    private static float[] reference(KvCache cache, int g, int d, float[] q, int pos, int window, float scale, float softcap) {
        int first = Attention.firstVisible(pos, window);
        float M = Float.NEGATIVE_INFINITY, S = 0;
        float[] acc = new float[d], tile = new float[64], key = new float[d], value = new float[d];
        for (int start = first / 64 * 64; start <= pos; start += 64) {
            int lo = Math.max(first, start), hi = Math.min(pos, start + 63);
            float tileMax = Float.NEGATIVE_INFINITY;
            Arrays.fill(tile, Float.NEGATIVE_INFINITY);
            for (int j = lo; j <= hi; j++) {
                HalfRows.widen(cache.keys[0], (j - cache.base[0]) * cache.kRowBytes + 2L * g * d, key, 0, d);
                float s = 0;
                for (int i = 0; i < d; i++) s = Math.fma(q[i], key[i], s);
                s *= scale;
                if (softcap != 0) s = softcap * (float) Math.tanh(s);
                tile[j - start] = s;
                tileMax = Math.max(tileMax, s);
            }
            if (tileMax > M) {
                float ms = (float) Math.exp(M - tileMax);
                for (int i = 0; i < d; i++) acc[i] *= ms;
                S *= ms;
                M = tileMax;
            }
            S = (float) (S + FloatOps.softmaxExp(tile, 0, 64, M));
            for (int j = lo; j <= hi; j++) {
                HalfRows.widen(cache.values[0], (j - cache.base[0]) * cache.vRowBytes + 2L * g * d, value, 0, d);
                for (int i = 0; i < d; i++) acc[i] = Math.fma(tile[j - start], value[i], acc[i]);
            }
        }
        float inv = S == 0 ? 0 : 1 / S;
        for (int i = 0; i < d; i++) acc[i] *= inv;
        return acc;
    }
}

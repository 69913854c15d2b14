package dev.hearth.model;

import dev.hearth.tensor.FloatOps;
import dev.hearth.tensor.HalfRows;
import java.util.Arrays;
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
        TwoSlotStep.check(true, heads, headsKv, headSize, window, softcap, 100,
                (cache, g, q, pos) -> reference(cache, g, headSize, q, pos, window, softcap != 0 ? TwoSlotStep.SCALE / softcap : TwoSlotStep.SCALE, softcap));
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
                HalfRows.widen(cache.keys[0], cache.kRow(0, j - cache.base[0], g), key, 0, d);
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
                HalfRows.widen(cache.values[0], cache.vRow(0, j - cache.base[0], g), value, 0, d);
                for (int i = 0; i < d; i++) acc[i] = Math.fma(tile[j - start], value[i], acc[i]);
            }
        }
        float inv = S == 0 ? 0 : 1 / S;
        for (int i = 0; i < d; i++) acc[i] *= inv;
        return acc;
    }
}

package dev.hearth.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.tensor.ComputePool;
import dev.hearth.tensor.FloatOps;
import dev.hearth.tensor.HalfRows;
import dev.hearth.tensor.LaneSum;
import java.util.Arrays;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Attention without flash attention over an F16 cache against a one-query-at-a-time transcription of llama.cpp's
 * two tinyBLAS products (llamafile/sgemm.cpp, F16 on AVX-512), bit for bit: the query rounded to float16, each score
 * 16 lanes over the head's dimensions (lane i: an FMA chain over dimensions i, i+16, ...) summed by
 * _mm512_reduce_add_ps ({@link LaneSum#of}); softcap, scale, ggml_vec_soft_max_f32 ({@link FloatOps#softmaxExp});
 * the weights times 1/sum rounded to float16; each output value 16 lanes over the positions (lane j mod 16, an FMA
 * chain over the positions in order), reduced the same way. Steps mix two caches (two slots), and cover GQA groups of
 * 1, 4 and 6, head sizes 32, 48 and 64, a sliding window and a softcap, one token alone and a whole prompt.
 */
class GemmAttentionTest {
    @ParameterizedTest(name = "heads {0}/{1}, head size {2}, window {3}, softcap {4}, {5} tokens")
    @CsvSource({"8, 2, 64, 0, 0, 100", "4, 4, 32, 0, 0, 100", "12, 2, 48, 100, 0, 100", "8, 2, 64, 0, 30, 100", "8, 2, 64, 0, 0, 1"})
    void chunksGiveWhatEachQueryGetsAlone(int heads, int headsKv, int headSize, int window, float softcap, int n) {
        ModelConfig c = new ModelConfig("llama", heads * headSize, 1, heads, headsKv, headSize, headSize, 64, 256, 4096, 1e-5f, 10000f, headSize, 1f);
        CacheOptions o = CacheOptions.resolve("off", "f16", "f16");
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
        // 70 tokens of slot a at 503..572 (the first seen by the first of them, with the window, is the sliding cache's first row), then 30 of slot b at 3..32 (or one token of slot a at 503)
        KvCache[] caches = new KvCache[n];
        int[] positions = new int[n];
        for (int t = 0; t < n; t++) {
            caches[t] = t < 70 ? a : b;
            positions[t] = t < 70 ? 503 + t : t - 67;
        }
        float[] q = new float[n * c.qDim()];
        for (int i = 0; i < q.length; i++) q[i] = (float) (rnd.nextGaussian() * 3);
        float scale = 0.125f;
        float[] out = new float[n * heads * headSize];
        try (ComputePool pool = new ComputePool(2)) {
            Workspace ws = new Workspace(c, pool.threads(), n, 768);
            Attention.attend(c, pool, ws, new Batch(new int[n], caches, positions, new int[0]), 0, q, out, scale, softcap, window);
        }
        int group = heads / headsKv;
        for (int t = 0; t < n; t++)
            for (int h = 0; h < heads; h++) {
                float[] want = reference(caches[t], h / group, headSize, Arrays.copyOfRange(q, t * c.qDim() + h * headSize, t * c.qDim() + (h + 1) * headSize),
                        positions[t], window, scale, softcap);
                float[] got = Arrays.copyOfRange(out, (t * heads + h) * headSize, (t * heads + h + 1) * headSize);
                assertThat(got).as("token %d head %d", t, h).containsExactly(want);
            }
    }

    /** llama.cpp's KQ, softmax and KQV for one query (head {@code g}'s keys and values, positions first..pos). */
    private static float[] reference(KvCache cache, int g, int d, float[] q, int pos, int window, float scale, float softcap) {
        int first = Attention.firstVisible(pos, window);
        float[] qh = q.clone(), key = new float[d], value = new float[d], lanes = new float[16], s = new float[pos + 1];
        FloatOps.roundToF16(qh, 0, d);
        float max = Float.NEGATIVE_INFINITY;
        for (int j = first; j <= pos; j++) {
            HalfRows.widen(cache.keys[0], (j - cache.base[0]) * cache.kRowBytes + 2L * g * d, key, 0, d);
            Arrays.fill(lanes, 0f);
            for (int i = 0; i < d; i++) lanes[i % 16] = Math.fma(key[i], qh[i], lanes[i % 16]);
            float sc = LaneSum.of(FloatVector.fromArray(FloatVector.SPECIES_512, lanes, 0));
            if (softcap > 0) sc = (float) Math.tanh(sc * (1f / softcap)) * softcap;
            sc *= scale;
            s[j] = sc;
            max = Math.max(max, sc);
        }
        float inv = (float) (1.0 / FloatOps.softmaxExp(s, first, pos + 1, max));
        float[][] outLanes = new float[d][16];
        for (int j = first; j <= pos; j++) {
            float p = Float.float16ToFloat(Float.floatToFloat16(s[j] * inv));
            HalfRows.widen(cache.values[0], (j - cache.base[0]) * cache.vRowBytes + 2L * g * d, value, 0, d);
            for (int i = 0; i < d; i++) outLanes[i][j % 16] = Math.fma(value[i], p, outLanes[i][j % 16]);
        }
        float[] out = new float[d];
        for (int i = 0; i < d; i++) out[i] = LaneSum.of(FloatVector.fromArray(FloatVector.SPECIES_512, outLanes[i], 0));
        return out;
    }
}

package dev.hearth.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.tensor.FloatOps;
import dev.hearth.tensor.HalfRows;
import dev.hearth.tensor.LaneSum;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;
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
    @CsvSource({"8, 2, 64, 0, 0, 100", "4, 4, 32, 0, 0, 100", "12, 2, 48, 100, 0, 100", "8, 2, 64, 0, 30, 100", "8, 2, 64, 0, 0, 1",
            "12, 2, 48, 100, 0, 1", "12, 2, 64, 100, 30, 1", "14, 2, 128, 0, 0, 1", "4, 4, 32, 0, 0, 1", "8, 2, 64, 0, 0, 2",
            "4, 2, 64, 0, 0, 3", "4, 2, 64, 100, 0, 3", "2, 2, 80, 100, 0, 3", "2, 2, 64, 0, 0, 250"})
    void chunksGiveWhatEachQueryGetsAlone(int heads, int headsKv, int headSize, int window, float softcap, int n) {
        TwoSlotStep.check(false, heads, headsKv, headSize, window, softcap, n,
                (cache, g, q, pos) -> reference(cache, g, headSize, q, pos, window, TwoSlotStep.SCALE, softcap));
    }

    /** Chunks keep their scores (queries × positions floats per thread) within 16 MB from 32K positions on, never below 32 queries. */
    @Test
    void chunksGetFewerQueriesAtLongDepths() {
        assertThat(GemmAttention.chunkQueries(1)).isEqualTo(GemmAttention.LANES);
        assertThat(GemmAttention.chunkQueries(32768)).isEqualTo(128);
        assertThat(GemmAttention.chunkQueries(40000)).isEqualTo(104);
        assertThat(GemmAttention.chunkQueries(131072)).isEqualTo(32);
        assertThat(GemmAttention.chunkQueries(1 << 20)).isEqualTo(32);
    }

    /** llama.cpp's KQ, softmax and KQV for one query (head {@code g}'s keys and values, positions first..pos). */
    private static float[] reference(KvCache cache, int g, int d, float[] q, int pos, int window, float scale, float softcap) {
        int first = Attention.firstVisible(pos, window);
        float[] qh = q.clone(), key = new float[d], value = new float[d], lanes = new float[16], s = new float[pos + 1];
        FloatOps.roundToF16(qh, 0, d);
        float max = Float.NEGATIVE_INFINITY;
        for (int j = first; j <= pos; j++) {
            HalfRows.widen(cache.keys[0], cache.kRow(0, j - cache.base[0], g), key, 0, d);
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
            HalfRows.widen(cache.values[0], cache.vRow(0, j - cache.base[0], g), value, 0, d);
            for (int i = 0; i < d; i++) outLanes[i][j % 16] = Math.fma(value[i], p, outLanes[i][j % 16]);
        }
        float[] out = new float[d];
        for (int i = 0; i < d; i++) out[i] = LaneSum.of(FloatVector.fromArray(FloatVector.SPECIES_512, outLanes[i], 0));
        return out;
    }
}

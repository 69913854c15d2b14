package dev.hearth.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.tensor.ComputePool;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One attention step over two slots' caches (layer 0 of a one-layer model, 700 random positions each), every
 * head's output compared bit for bit with a one-query reference: the fixture of {@link TiledAttentionTest} and
 * {@link GemmAttentionTest}. The step is 70 tokens of slot a at 503..572, then slot b's tokens at 3, 4, ... (or
 * fewer of slot a's, for {@code n} &lt; 70). With a window, slot a's cache is a sliding one (it keeps only recent rows)
 * whose first row ends up at a position that is not a multiple of 16 and is the first the first token sees, so
 * whole blocks of 16 positions would reach before it.
 */
final class TwoSlotStep {
    /** What multiplies q·k in the step (before any softcap division, which the kernels do). */
    static final float SCALE = 0.125f;

    /** The reference output of one query of KV head {@code kvHead}, at {@code pos}, over {@code cache}. */
    @FunctionalInterface
    interface Reference {
        float[] output(KvCache cache, int kvHead, float[] q, int pos);
    }

    private TwoSlotStep() {}

    static void check(boolean flash, int heads, int headsKv, int headSize, int window, float softcap, int n, Reference reference) {
        ModelConfig c = new ModelConfig("llama", heads * headSize, 1, heads, headsKv, headSize, headSize, 64, 256, 4096, 1e-5f, 10000f, headSize, 1f);
        CacheOptions o = CacheOptions.resolve(flash ? "on" : "off", "f16", "f16");
        SplittableRandom rnd = new SplittableRandom(7);
        KvCache a = window > 0 ? new KvCache(c, 768, o, new int[] {window}, 100) : new KvCache(c, 768, o), b = new KvCache(c, 768, o);
        float[] k = new float[c.kvDimK()], v = new float[c.kvDimV()];
        for (KvCache cache : new KvCache[] {a, b})
            for (int pos = 0; pos < 700; pos++) {
                for (int i = 0; i < k.length; i++) k[i] = (float) (rnd.nextGaussian() * (i % 7 == 0 ? 1e-5 : 2)); // some subnormal halves
                for (int i = 0; i < v.length; i++) v[i] = (float) rnd.nextGaussian();
                cache.store(0, pos, k, 0, v, 0);
            }
        if (window > 0) assertThat(a.base[0] % 16).as("first row of the sliding cache at %d", a.base[0]).isNotZero();
        KvCache[] caches = new KvCache[n];
        int[] positions = new int[n];
        for (int t = 0; t < n; t++) {
            caches[t] = t < 70 ? a : b;
            positions[t] = t < 70 ? 503 + t : t - 67;
        }
        float[] q = new float[n * c.qDim()];
        for (int i = 0; i < q.length; i++) q[i] = (float) (rnd.nextGaussian() * 3);
        float[] out = new float[n * heads * headSize];
        try (ComputePool pool = new ComputePool(2)) {
            Workspace ws = new Workspace(c, pool.threads(), n, 768);
            Batch step = new Batch(new int[n], caches, positions, new int[0]);
            if (flash) FlashAttention.attend(c, pool, ws, step, 0, q, out, SCALE, softcap, window);
            else Attention.attend(c, pool, ws, step, 0, q, out, SCALE, softcap, window);
        }
        int group = heads / headsKv;
        for (int t = 0; t < n; t++)
            for (int h = 0; h < heads; h++) {
                float[] want = reference.output(caches[t], h / group, Arrays.copyOfRange(q, t * c.qDim() + h * headSize, t * c.qDim() + (h + 1) * headSize), positions[t]);
                float[] got = Arrays.copyOfRange(out, (t * heads + h) * headSize, (t * heads + h + 1) * headSize);
                assertThat(got).as("token %d head %d", t, h).containsExactly(want);
            }
    }
}

package dev.hearth.model;

import dev.hearth.tensor.ComputePool;
import java.util.SplittableRandom;

/**
 * Generation's attention alone: one token at position {@code depth - 1} attending over every layer of a filled
 * F16 cache with Llama-3.2-1B's heads (32 query heads, 8 KV heads of 64), in ms per token and in GB/s of cache read.
 * With 16 layers at depth 8192 the cache is 268 MB (memory); with one layer it is 16 MB (the L3 here), so the two
 * show how much of the time is waiting for memory and how much is arithmetic. A fifth argument runs a prompt batch of
 * that many tokens at positions depth .. depth + tokens - 1 instead (prompt processing at depth). Not a test: run by hand, e.g.
 * <pre>
 * java --add-modules jdk.incubator.vector -Djdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK=0 \
 *   -cp hearth-core/target/classes:hearth-core/target/test-classes dev.hearth.model.AttentionBench [depth] [layers] [threads] [flash] [tokens]
 * </pre>
 */
public final class AttentionBench {
    public static void main(String[] args) {
        int depth = args.length > 0 ? Integer.parseInt(args[0]) : 8192;
        int layers = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        boolean flash = args.length > 3 && Boolean.parseBoolean(args[3]);
        int tokens = args.length > 4 ? Integer.parseInt(args[4]) : 1; // a prompt batch of this many tokens after the depth
        ModelConfig c = new ModelConfig("llama", 2048, layers, 32, 8, 64, 64, 8192, 256, depth, 1e-5f, 500000f, 64, 1f);
        KvCache cache = new KvCache(c, depth + tokens, CacheOptions.resolve(flash ? "on" : "off", "f16", "f16"));
        SplittableRandom rnd = new SplittableRandom(1);
        float[] k = new float[c.kvDimK()], v = new float[c.kvDimV()];
        for (int l = 0; l < layers; l++)
            for (int p = 0; p < depth + tokens; p++) {
                for (int i = 0; i < k.length; i++) k[i] = (float) rnd.nextGaussian();
                for (int i = 0; i < v.length; i++) v[i] = (float) rnd.nextGaussian();
                cache.store(l, p, k, 0, v, 0);
            }
        float[] q = new float[tokens * c.qDim()], out = new float[tokens * c.heads() * c.headDimV()];
        for (int i = 0; i < q.length; i++) q[i] = (float) rnd.nextGaussian();
        double bytes = (double) layers * c.headsKv() * depth * (c.headDimK() + c.headDimV()) * 2;
        try (ComputePool pool = new ComputePool(threads)) {
            Workspace ws = new Workspace(c, pool.threads(), tokens, depth + tokens);
            KvCache[] caches = new KvCache[tokens];
            java.util.Arrays.fill(caches, cache);
            int[] positions = java.util.stream.IntStream.range(depth - (tokens == 1 ? 1 : 0), depth + tokens - (tokens == 1 ? 1 : 0)).toArray();
            Batch step = new Batch(new int[tokens], caches, positions, new int[0]);
            for (int round = 0; round < 8; round++) {
                int steps = 0;
                long t0 = System.nanoTime();
                while (System.nanoTime() - t0 < 2_000_000_000L) {
                    for (int l = 0; l < layers; l++) {
                        if (flash) FlashAttention.attend(c, pool, ws, step, l, q, out, 0.125f, 0f, 0);
                        else Attention.attend(c, pool, ws, step, l, q, out, 0.125f, 0f, 0);
                    }
                    steps++;
                }
                double s = (System.nanoTime() - t0) / 1e9;
                System.out.printf("depth %d layers %d threads %d flash %b tokens %d: %.3f ms/step, %.1f GB/s of cache%n", depth, layers, threads, flash, step.size(), 1e3 * s / steps, bytes * steps / s / 1e9);
            }
        }
    }
}

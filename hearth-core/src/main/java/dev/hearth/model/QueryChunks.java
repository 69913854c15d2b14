package dev.hearth.model;

import dev.hearth.tensor.ComputePool;

/**
 * The query pairs of a step cut into chunks for the attention kernels that take several queries through the
 * cache together ({@link TiledAttention}, {@link GemmAttention}): pair p is token p / group with the p % group-th
 * query head of a KV group; a chunk holds up to {@code lanes} consecutive pairs that read one cache (a step can hold
 * several slots). Every chunk meets every KV head once.
 */
final class QueryChunks {
    /** One chunk's work: pairs {@code p0 .. p1-1} against KV head {@code kvHead}, on pool thread {@code thread}. */
    @FunctionalInterface
    interface Work {
        void run(int thread, int kvHead, int p0, int p1);
    }

    private QueryChunks() {}

    /** Runs {@code work} for every (chunk, KV head) on the pool, claimed by the threads as they go: later chunks see more positions. */
    static void run(ComputePool pool, Workspace ws, ModelConfig c, Batch b, int lanes, long cost, Work work) {
        int group = c.heads() / c.headsKv(), kvHeads = c.headsKv(), n = b.size(), pairs = n * group;
        int[] starts = ws.queryChunks(pairs / lanes + n + 2);
        int chunks = 0;
        for (int p = 0; p < pairs; p++)
            if (p == 0 || p - starts[chunks - 1] == lanes || b.caches()[p / group] != b.caches()[(p - 1) / group]) starts[chunks++] = p;
        starts[chunks] = pairs;
        Job job = ws.queryChunksJob;
        job.pool = pool;
        job.work = work;
        job.starts = starts;
        job.items = chunks * kvHeads;
        job.kvHeads = kvHeads;
        try {
            pool.run(cost, job);
        } finally {
            job.work = null;
        }
    }

    /** {@link #run}'s job on the pool, one per workspace, its fields set for each step (a lambda capturing them was allocated per layer). */
    static final class Job implements ComputePool.Job {
        private ComputePool pool;
        private Work work;
        private int[] starts;
        private int items, kvHeads;

        @Override
        public void run(int thread, int threads) {
            // claimed from the last chunk down: the costliest first, so the cheap ones even out the threads at the end
            for (int k; (k = pool.claim()) < items; ) {
                int w = items - 1 - k;
                work.run(thread, w % kvHeads, starts[w / kvHeads], starts[w / kvHeads + 1]);
            }
        }
    }
}

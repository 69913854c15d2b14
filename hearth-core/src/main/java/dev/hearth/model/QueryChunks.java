package dev.hearth.model;

/**
 * The query pairs of a step cut into chunks for the attention kernels that take several queries through the
 * cache together ({@link TiledAttention}, {@link GemmAttention}): pair p is token p / group with the p % group-th
 * query head of a KV group; a chunk holds up to {@code lanes} consecutive pairs that read one cache (a step can hold
 * several slots).
 */
final class QueryChunks {
    private QueryChunks() {}

    /** Fills {@code ws}'s chunk table with the chunks' first pairs, then the pair count; returns the number of chunks. */
    static int split(Workspace ws, Batch b, int group, int lanes) {
        int n = b.size(), pairs = n * group;
        int[] starts = ws.queryChunks(pairs / lanes + n + 2);
        int chunks = 0;
        for (int p = 0; p < pairs; p++)
            if (p == 0 || p - starts[chunks - 1] == lanes || b.caches()[p / group] != b.caches()[(p - 1) / group]) starts[chunks++] = p;
        starts[chunks] = pairs;
        return chunks;
    }
}

package dev.hearth.model;

import dev.hearth.tensor.EncodedRows;
import dev.hearth.tensor.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The scratch memory of a forward pass, allocated once for up to {@link #maxBatch} tokens and reused
 * for every step: activations, projections, per-thread attention scores, logits.
 */
final class Workspace {
    final int maxBatch;
    final int embd;
    final float[] x, xb, q, k, v, att, gate, up;
    /** The projections' outputs as Linear.project takes them, made once: {q, k, v}, {gate, up}, {up}. */
    final float[][] qkvOut, gateUpOut, upOut;
    float[] xb2; // a parallel layer's FFN input and output (Command-R); allocated on first use
    final float[] cos, sin;
    float[][] scores;
    final float[][] qHead;
    final MemorySegment[] qHeadQ8;         // per thread: one query head encoded for a Q8_0 K cache's dot
    final float[][] vRow;                  // per thread: a decoded V row
    final float[][] kvRow;                 // per thread: an F16 cache row widened to floats (the exact path of HalfRows' readers)
    final EncodedRows enc = new EncodedRows();
    final FlashAttention.Step flashStep = new FlashAttention.Step();
    final GemmAttention.Step gemmAttentionStep = new GemmAttention.Step();
    final QueryChunks.Job queryChunksJob = new QueryChunks.Job();
    float[] logits;
    MoeFfn.Scratch moe; // allocated by the first mixture-of-experts layer
    LatentAttention.Scratch mla; // allocated by the first latent-attention layer (DeepSeek-V2)

    Workspace(ModelConfig c, int threads, int maxBatch, int maxContext) {
        this.maxBatch = maxBatch;
        this.embd = c.embd();
        int B = maxBatch;
        x = new float[B * c.embd()];
        xb = new float[B * c.embd()];
        q = new float[B * c.qDim()];
        k = new float[B * c.kvDimK()];
        v = new float[B * c.kvDimV()];
        att = new float[B * c.heads() * c.headDimV()];
        gate = new float[B * c.ffn()];
        up = new float[B * c.ffn()];
        qkvOut = new float[][] {q, k, v};
        gateUpOut = new float[][] {gate, up};
        upOut = new float[][] {up};
        cos = new float[c.ropeDim() / 2];
        sin = new float[c.ropeDim() / 2];
        scores = new float[threads][maxContext];
        qHead = new float[threads][c.headDimK()];
        qHeadQ8 = new MemorySegment[threads];
        for (int i = 0; i < threads; i++) qHeadQ8[i] = Arena.ofAuto().allocate(KvCache.Q8_QUERY.type().bytesFor(c.headDimK() + 31 & ~31), 64);
        vRow = new float[threads][c.headDimV()];
        kvRow = new float[threads][Math.max(c.headDimK(), c.headDimV())];
        blockQ = new float[threads][0];
        blockRows = new float[threads][0];
        blockState = new float[threads][0];
        groupRows = new float[threads][3][][];
        tileScratch = new TiledAttention.TileScratch[threads];
        gemmScratch = new GemmAttention.Scratch[threads];
        groupQ8 = new MemorySegment[threads][];
        logits = new float[c.vocab()];
    }

    private final float[][] blockQ, blockRows, blockState; // per thread, for a block of queries: their prepared copies, a row each (accumulators or scores), their running state

    /** Per-thread scratch of at least {@code n} floats for a block of queries (the blocked attention of prompts). */
    float[] blockQ(int thread, int n) {
        return blockQ[thread] = grow(blockQ[thread], n);
    }

    float[] blockRows(int thread, int n) {
        return blockRows[thread] = grow(blockRows[thread], n);
    }

    float[] blockState(int thread, int n) {
        return blockState[thread] = grow(blockState[thread], n);
    }

    private final float[][][][] groupRows; // per thread: a KV group's queries, accumulators and merged partials (flash attention)
    private final MemorySegment[][] groupQ8; // per thread: a KV group's queries encoded for a Q8_0 K cache's dot

    /** Per-thread rows {@code kind} (0, 1 or 2) for the {@code count} query heads of a KV group, each at least {@code n} long. */
    float[][] groupRows(int thread, int kind, int count, int n) {
        float[][] rows = groupRows[thread][kind];
        if (rows == null || rows.length < count || rows[0].length < n) rows = groupRows[thread][kind] = new float[count][n];
        return rows;
    }

    /** Per-thread buffers of at least {@code bytes} for the {@code count} query heads of a KV group. */
    MemorySegment[] groupQ8(int thread, int count, long bytes) {
        MemorySegment[] q = groupQ8[thread];
        if (q == null || q.length < count || q[0].byteSize() < bytes) {
            q = groupQ8[thread] = new MemorySegment[count];
            for (int i = 0; i < count; i++) q[i] = Arena.ofAuto().allocate(bytes, 64);
        }
        return q;
    }

    private final TiledAttention.TileScratch[] tileScratch; // per thread: the tiled flavour's chunk memory
    private int[] queryChunks = new int[0];
    private final GemmAttention.Scratch[] gemmScratch; // per thread: GemmAttention's chunk memory

    GemmAttention.Scratch gemmScratch(int thread, int dk, int dv) {
        GemmAttention.Scratch t = gemmScratch[thread];
        if (t == null || t.dk != dk || t.dv != dv) t = gemmScratch[thread] = new GemmAttention.Scratch(dk, dv);
        return t;
    }

    TiledAttention.TileScratch tileScratch(int thread, int dk, int dv) {
        TiledAttention.TileScratch t = tileScratch[thread];
        if (t == null || t.dk != dk || t.dv != dv) t = tileScratch[thread] = new TiledAttention.TileScratch(dk, dv);
        return t;
    }

    /** {@link QueryChunks}' table of chunk starts (at least {@code n} ints), for the thread that splits the work. */
    int[] queryChunks(int n) {
        if (queryChunks.length < n) queryChunks = new int[n];
        return queryChunks;
    }


    private static float[] grow(float[] a, int n) {
        return a != null && a.length >= n ? a : new float[n];
    }

    /** Makes the attention score rows long enough for a context of {@code n} positions. */
    void ensureContext(int n) {
        if (scores[0].length < n) for (int i = 0; i < scores.length; i++) scores[i] = new float[n];
    }

    /** Logits space for {@code rows} rows. */
    float[] logits(int rows, int vocab) {
        if (logits.length < rows * vocab) logits = new float[rows * vocab];
        return logits;
    }
}

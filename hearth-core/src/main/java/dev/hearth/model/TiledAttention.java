package dev.hearth.model;

import dev.hearth.tensor.ComputePool;
import dev.hearth.tensor.FloatOps;
import dev.hearth.tensor.HalfRows;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Flash attention's tiled flavour ({@link FlashAttention}'s prompt steps over an F16 cache), as ggml computes it
 * (ggml-cpu/ops.cpp {@code ggml_compute_forward_flash_attn_ext_tiled}). For each tile of
 * {@link FlashAttention#KV_TILE} positions (tiles start at multiples of 64):
 * <ol>
 * <li>the scores, Q·Kᵀ by {@code simd_gemm}: each score one chain of FMAs over the head's dimensions in order,
 *     starting from 0; then times the scale, the softcap's tanh, and the mask (−∞ where a query does not see a
 *     position);</li>
 * <li>for each query, the tile's max raises its running max M once (S and the accumulator scaled by
 *     expf(M_old − M_new) if it grew), and S += {@code ggml_vec_soft_max_f32} over the tile
 *     ({@link FloatOps#softmaxExpLanes});</li>
 * <li>the values, VKQ += P·V by {@code simd_gemm}: each output value one chain of FMAs over the tile's positions
 *     in order.</li>
 * </ol>
 * The queries that share a KV head and a cache go through the tiles in chunks of {@link #LANES}, held
 * transposed, one vector lane per query: a score's chain runs in one lane, the keys are broadcast, and each
 * tile's keys and values are widened once for the whole chunk. A query's numbers are the same in any chunk.
 */
final class TiledAttention {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512; // the lanes FloatOps.softmaxExpLanes works in
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_512;
    /** Queries per chunk: two vectors of lanes. */
    static final int LANES = 2 * 16;
    private static final int KV_TILE = FlashAttention.KV_TILE;

    private TiledAttention() {}

    /**
     * For each token of the batch (at least {@link FlashAttention#Q_TILE}, F16 keys and values) and each head, its
     * output into {@code out}. {@code scale} is the one that multiplies q·k (already divided by the softcap, if any).
     */
    static void attend(ModelConfig c, ComputePool pool, Workspace ws, Batch b, int layer, float[] q, float[] out,
                       float scale, float softcap, int window, long cost) {
        int group = c.heads() / c.headsKv();
        QueryChunks.run(pool, ws, c, b, LANES, cost, (thread, g, p0, p1) -> chunk(c, ws, thread, b, layer, g, group, p0, p1, q, out, scale, softcap, window));
    }

    /** The query pairs {@code p0 .. p1-1} (token p / group, head g·group + p % group) against KV head {@code g}. */
    private static void chunk(ModelConfig c, Workspace ws, int thread, Batch b, int layer, int g, int group, int p0, int p1,
                              float[] q, float[] out, float scale, float softcap, int window) {
        int dk = c.headDimK(), dv = c.headDimV(), nq = p1 - p0, qDim = c.qDim(), oDim = c.heads() * dv;
        KvCache cache = b.caches()[p0 / group];
        TileScratch t = ws.tileScratch(thread, dk, dv);
        // the rows through HalfRows' shortcut (query times 2¹¹², rows times 2⁻¹¹²: the same products), unless a row is
        // not finite or a query too large to scale; then widened exactly
        boolean fast = !cache.nonFinite[layer];
        int tileFrom = Integer.MAX_VALUE, firstMin = Integer.MAX_VALUE, posMax = -1;
        for (int l = 0; l < LANES; l++) {
            t.max[l] = Float.NEGATIVE_INFINITY;
            t.sum[l] = 0;
            if (l >= nq) { // an unused lane: sees nothing
                t.pos[l] = -1;
                t.first[l] = 0;
                for (int d = 0; d < dk; d++) t.qT[d * LANES + l] = 0;
                continue;
            }
            int p = p0 + l, tok = p / group, head = g * group + p % group;
            int pos = b.positions()[tok], first = Attention.firstVisible(pos, window);
            if (first < cache.base[layer]) throw new IllegalStateException("layer " + layer + ": position " + first + " is no longer in the cache");
            t.pos[l] = pos;
            t.first[l] = first;
            tileFrom = Math.min(tileFrom, first / KV_TILE * KV_TILE);
            firstMin = Math.min(firstMin, first);
            posMax = Math.max(posMax, pos);
            for (int d = 0; d < dk; d++) {
                float x = q[tok * qDim + head * dk + d];
                t.qT[d * LANES + l] = x;
                if (Float.isInfinite(x * HalfRows.SCALE) && !Float.isInfinite(x)) fast = false;
            }
        }
        java.util.Arrays.fill(t.acc, 0, LANES * dv, 0f);
        if (fast) for (int i = 0; i < dk * LANES; i++) t.qT[i] *= HalfRows.SCALE;
        float weightScale = fast ? HalfRows.SCALE : 1f;

        MemorySegment keys = cache.keys[layer], values = cache.values[layer];
        int r0 = cache.base[layer]; // the position in row 0 (a sliding layer's cache keeps only recent rows)
        for (int start = tileFrom; start <= posMax; start += KV_TILE) {
            int lo = Math.max(start, firstMin) - start, hi = Math.min(posMax, start + KV_TILE - 1) - start; // rows some query sees
            for (int r = lo; r <= hi; r++) {
                long kRow = cache.kRow(layer, start + r - r0, g), vRow = cache.vRow(layer, start + r - r0, g);
                if (fast) {
                    HalfRows.widenScaled(keys, kRow, t.kTile, r * dk, dk);
                    HalfRows.widenScaled(values, vRow, t.vTile, r * dv, dv);
                } else {
                    HalfRows.widen(keys, kRow, t.kTile, r * dk, dk);
                    HalfRows.widen(values, vRow, t.vTile, r * dv, dv);
                }
            }
            for (int r = lo & ~7; r <= hi; r += 8) scores8(t.qT, t.kTile, dk, r, t.scores, scale);
            if (softcap != 0) for (int i = lo * LANES; i < (hi + 1) * LANES; i++) t.scores[i] = softcap * (float) Math.tanh(t.scores[i]);
            int cLo = lo & ~15, cHi = Math.min(KV_TILE, (hi | 15) + 1); // whole chunks of 16 positions, as softmaxExp's
            mask(t, start, lo, hi, cLo, cHi);
            // each query's tile max raises its running max once (four running maxima per 16 queries: one chain of
            // Math.max-rule vector maxima is slow, see FloatOps.scaleAndMax; the largest is the same in any order)
            for (int v = 0; v < LANES; v += 16) {
                FloatVector m0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), m1 = m0, m2 = m0, m3 = m0;
                int r = lo;
                for (; r + 3 <= hi; r += 4) {
                    m0 = m0.max(FloatVector.fromArray(S, t.scores, r * LANES + v));
                    m1 = m1.max(FloatVector.fromArray(S, t.scores, (r + 1) * LANES + v));
                    m2 = m2.max(FloatVector.fromArray(S, t.scores, (r + 2) * LANES + v));
                    m3 = m3.max(FloatVector.fromArray(S, t.scores, (r + 3) * LANES + v));
                }
                for (; r <= hi; r++) m0 = m0.max(FloatVector.fromArray(S, t.scores, r * LANES + v));
                m0.max(m1).max(m2.max(m3)).intoArray(t.tileMax, v);
            }
            for (int l = 0; l < nq; l++) {
                float M = t.max[l], tileMax = t.tileMax[l];
                if (tileMax == Float.NEGATIVE_INFINITY) continue; // a query that sees none of the tile: ggml skips it
                if (tileMax > M) {
                    float ms = (float) Math.exp(M - tileMax);
                    for (int d = 0; d < dv; d++) t.acc[l * dv + d] *= ms;
                    t.sum[l] *= ms;
                    t.max[l] = tileMax;
                }
            }
            // a query that sees nothing here keeps max −∞ only if it never saw anything: softmaxExpLanes zeroes it then;
            // one that saw earlier tiles has all −∞ scores here, which give zeros
            java.util.Arrays.fill(t.tileSum, 0, LANES, 0.0);
            FloatOps.softmaxExpLanes(t.scores, cLo, hi + 1, LANES, t.max, t.tileSum);
            for (int l = 0; l < nq; l++) t.sum[l] = (float) (t.sum[l] + t.tileSum[l]);
            values(t, dv, lo, hi, (nq + 3) & ~3, weightScale);
        }
        for (int l = 0; l < nq; l++) {
            int p = p0 + l, tok = p / group, head = g * group + p % group;
            float S = t.sum[l], inv = S == 0 ? 0 : 1 / S;
            for (int d = 0; d < dv; d++) out[tok * oDim + head * dv + d] = t.acc[l * dv + d] * inv;
        }
    }

    /**
     * The scores of tile rows {@code r .. r+7} for every lane, times {@code scale}, into {@code s[row·LANES + lane]}:
     * for each, Σ q[d]·k[d] as one FMA chain over d from 0 (simd_gemm's order). Rows past the tile's filled ones
     * hold stale keys; {@link #mask} overwrites their scores.
     */
    private static void scores8(float[] qT, float[] k, int dk, int r, float[] s, float scale) {
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
        FloatVector a40 = a00, a41 = a00, a50 = a00, a51 = a00, a60 = a00, a61 = a00, a70 = a00, a71 = a00;
        int k0 = r * dk;
        for (int d = 0; d < dk; d++) {
            FloatVector q0 = FloatVector.fromArray(S, qT, d * LANES), q1 = FloatVector.fromArray(S, qT, d * LANES + 16);
            FloatVector kb = FloatVector.broadcast(S, k[k0 + d]);
            a00 = q0.fma(kb, a00); a01 = q1.fma(kb, a01);
            kb = FloatVector.broadcast(S, k[k0 + dk + d]);
            a10 = q0.fma(kb, a10); a11 = q1.fma(kb, a11);
            kb = FloatVector.broadcast(S, k[k0 + 2 * dk + d]);
            a20 = q0.fma(kb, a20); a21 = q1.fma(kb, a21);
            kb = FloatVector.broadcast(S, k[k0 + 3 * dk + d]);
            a30 = q0.fma(kb, a30); a31 = q1.fma(kb, a31);
            kb = FloatVector.broadcast(S, k[k0 + 4 * dk + d]);
            a40 = q0.fma(kb, a40); a41 = q1.fma(kb, a41);
            kb = FloatVector.broadcast(S, k[k0 + 5 * dk + d]);
            a50 = q0.fma(kb, a50); a51 = q1.fma(kb, a51);
            kb = FloatVector.broadcast(S, k[k0 + 6 * dk + d]);
            a60 = q0.fma(kb, a60); a61 = q1.fma(kb, a61);
            kb = FloatVector.broadcast(S, k[k0 + 7 * dk + d]);
            a70 = q0.fma(kb, a70); a71 = q1.fma(kb, a71);
        }
        int o = r * LANES;
        a00.mul(scale).intoArray(s, o); a01.mul(scale).intoArray(s, o + 16);
        a10.mul(scale).intoArray(s, o + LANES); a11.mul(scale).intoArray(s, o + LANES + 16);
        a20.mul(scale).intoArray(s, o + 2 * LANES); a21.mul(scale).intoArray(s, o + 2 * LANES + 16);
        a30.mul(scale).intoArray(s, o + 3 * LANES); a31.mul(scale).intoArray(s, o + 3 * LANES + 16);
        a40.mul(scale).intoArray(s, o + 4 * LANES); a41.mul(scale).intoArray(s, o + 4 * LANES + 16);
        a50.mul(scale).intoArray(s, o + 5 * LANES); a51.mul(scale).intoArray(s, o + 5 * LANES + 16);
        a60.mul(scale).intoArray(s, o + 6 * LANES); a61.mul(scale).intoArray(s, o + 6 * LANES + 16);
        a70.mul(scale).intoArray(s, o + 7 * LANES); a71.mul(scale).intoArray(s, o + 7 * LANES + 16);
    }

    /** −∞ for every row of {@code cLo .. cHi-1} outside {@code lo..hi}, and in each lane for the positions its query does not see. */
    private static void mask(TileScratch t, int start, int lo, int hi, int cLo, int cHi) {
        FloatVector ninf = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int v = 0; v < LANES; v += 16) {
            IntVector pos = IntVector.fromArray(I, t.pos, v), first = IntVector.fromArray(I, t.first, v);
            for (int r = cLo; r < cHi; r++) {
                int o = r * LANES + v;
                if (r < lo || r > hi) {
                    ninf.intoArray(t.scores, o);
                    continue;
                }
                int j = start + r;
                VectorMask<Float> hidden = pos.compare(VectorOperators.LT, j).or(first.compare(VectorOperators.GT, j)).cast(S);
                FloatVector.fromArray(S, t.scores, o).blend(ninf, hidden).intoArray(t.scores, o);
            }
        }
    }

    /**
     * acc[l] += Σ_r P[r][l]·V[r] over rows lo..hi for lanes 0 .. lanes-1 (a multiple of 4), each output value one
     * FMA chain in row order (simd_gemm's): four queries at a time, so each V load serves four of them.
     */
    private static void values(TileScratch t, int dv, int lo, int hi, int lanes, float weightScale) {
        float[] p = t.scores, vt = t.vTile, acc = t.acc;
        boolean wide = dv % 64 == 0;
        for (int l = 0; l < lanes; l += 4) {
            int y0 = l * dv, y1 = y0 + dv, y2 = y1 + dv, y3 = y2 + dv;
            if (wide) {
                for (int d = 0; d < dv; d += 64) {
                    FloatVector c00 = FloatVector.fromArray(S, acc, y0 + d), c01 = FloatVector.fromArray(S, acc, y0 + d + 16);
                    FloatVector c02 = FloatVector.fromArray(S, acc, y0 + d + 32), c03 = FloatVector.fromArray(S, acc, y0 + d + 48);
                    FloatVector c10 = FloatVector.fromArray(S, acc, y1 + d), c11 = FloatVector.fromArray(S, acc, y1 + d + 16);
                    FloatVector c12 = FloatVector.fromArray(S, acc, y1 + d + 32), c13 = FloatVector.fromArray(S, acc, y1 + d + 48);
                    FloatVector c20 = FloatVector.fromArray(S, acc, y2 + d), c21 = FloatVector.fromArray(S, acc, y2 + d + 16);
                    FloatVector c22 = FloatVector.fromArray(S, acc, y2 + d + 32), c23 = FloatVector.fromArray(S, acc, y2 + d + 48);
                    FloatVector c30 = FloatVector.fromArray(S, acc, y3 + d), c31 = FloatVector.fromArray(S, acc, y3 + d + 16);
                    FloatVector c32 = FloatVector.fromArray(S, acc, y3 + d + 32), c33 = FloatVector.fromArray(S, acc, y3 + d + 48);
                    for (int r = lo; r <= hi; r++) {
                        int vo = r * dv + d, po = r * LANES + l;
                        FloatVector v0 = FloatVector.fromArray(S, vt, vo), v1 = FloatVector.fromArray(S, vt, vo + 16);
                        FloatVector v2 = FloatVector.fromArray(S, vt, vo + 32), v3 = FloatVector.fromArray(S, vt, vo + 48);
                        FloatVector w = FloatVector.broadcast(S, p[po] * weightScale);
                        c00 = v0.fma(w, c00); c01 = v1.fma(w, c01); c02 = v2.fma(w, c02); c03 = v3.fma(w, c03);
                        w = FloatVector.broadcast(S, p[po + 1] * weightScale);
                        c10 = v0.fma(w, c10); c11 = v1.fma(w, c11); c12 = v2.fma(w, c12); c13 = v3.fma(w, c13);
                        w = FloatVector.broadcast(S, p[po + 2] * weightScale);
                        c20 = v0.fma(w, c20); c21 = v1.fma(w, c21); c22 = v2.fma(w, c22); c23 = v3.fma(w, c23);
                        w = FloatVector.broadcast(S, p[po + 3] * weightScale);
                        c30 = v0.fma(w, c30); c31 = v1.fma(w, c31); c32 = v2.fma(w, c32); c33 = v3.fma(w, c33);
                    }
                    c00.intoArray(acc, y0 + d); c01.intoArray(acc, y0 + d + 16); c02.intoArray(acc, y0 + d + 32); c03.intoArray(acc, y0 + d + 48);
                    c10.intoArray(acc, y1 + d); c11.intoArray(acc, y1 + d + 16); c12.intoArray(acc, y1 + d + 32); c13.intoArray(acc, y1 + d + 48);
                    c20.intoArray(acc, y2 + d); c21.intoArray(acc, y2 + d + 16); c22.intoArray(acc, y2 + d + 32); c23.intoArray(acc, y2 + d + 48);
                    c30.intoArray(acc, y3 + d); c31.intoArray(acc, y3 + d + 16); c32.intoArray(acc, y3 + d + 32); c33.intoArray(acc, y3 + d + 48);
                }
            } else {
                // head sizes that are a multiple of 16 but not of 64: one vector of each of the four rows at a time
                for (int d = 0; d < dv; d += 16) {
                    FloatVector c0 = FloatVector.fromArray(S, acc, y0 + d), c1 = FloatVector.fromArray(S, acc, y1 + d);
                    FloatVector c2 = FloatVector.fromArray(S, acc, y2 + d), c3 = FloatVector.fromArray(S, acc, y3 + d);
                    for (int r = lo; r <= hi; r++) {
                        int po = r * LANES + l;
                        FloatVector v = FloatVector.fromArray(S, vt, r * dv + d);
                        c0 = v.fma(FloatVector.broadcast(S, p[po] * weightScale), c0);
                        c1 = v.fma(FloatVector.broadcast(S, p[po + 1] * weightScale), c1);
                        c2 = v.fma(FloatVector.broadcast(S, p[po + 2] * weightScale), c2);
                        c3 = v.fma(FloatVector.broadcast(S, p[po + 3] * weightScale), c3);
                    }
                    c0.intoArray(acc, y0 + d); c1.intoArray(acc, y1 + d); c2.intoArray(acc, y2 + d); c3.intoArray(acc, y3 + d);
                }
            }
        }
    }

    /** One thread's memory for a chunk: the queries transposed, a tile's keys, values and scores, the accumulators and running state. */
    static final class TileScratch {
        final float[] qT, kTile, vTile, scores, acc, max, sum, tileMax;
        final double[] tileSum = new double[LANES];
        final int[] pos = new int[LANES], first = new int[LANES];
        final int dk, dv;

        TileScratch(int dk, int dv) {
            this.dk = dk;
            this.dv = dv;
            qT = new float[dk * LANES];
            kTile = new float[KV_TILE * dk];
            vTile = new float[KV_TILE * dv];
            scores = new float[KV_TILE * LANES];
            acc = new float[LANES * dv];
            max = new float[LANES];
            sum = new float[LANES];
            tileMax = new float[LANES];
        }
    }
}

package dev.hearth.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The sum of a float vector's lanes in one fixed order. {@code reduceLanes(ADD)} leaves the order
 * open, and HotSpot uses a different one in compiled code than in the interpreter, so the same input
 * could give different last bits before and after the JIT warmed up: logits would then depend on
 * what ran earlier, and a temperature-0 answer on what else the server was doing.
 *
 * <p>For 16 lanes the order is GCC's {@code _mm512_reduce_add_ps} (halves of 8, 4, then 2), which is
 * how llama.cpp's x86 build reduces.
 */
public final class LaneSum {
    private static final VectorSpecies<Float> S16 = FloatVector.SPECIES_512;
    /** The tree's rotations, for the large K-quant kernels that must spell it out (see Q4KOps.Vectorized). */
    static final VectorShuffle<Float> HALF8 = VectorShuffle.fromOp(S16, i -> (i + 8) % 16);
    static final VectorShuffle<Float> HALF4 = VectorShuffle.fromOp(S16, i -> (i + 4) % 16);
    static final VectorShuffle<Float> HALF2 = VectorShuffle.fromOp(S16, i -> (i + 2) % 16);

    // the index vectors of ofEach's four levels (selectFrom over two vectors: 0-15 the first, 16-31 the second)
    private static final FloatVector L1A = indices(i -> i < 8 ? i : i + 8), L1B = indices(i -> i < 8 ? i + 8 : i + 16);
    private static final FloatVector L2A = indices(i -> (i / 4) * 8 + i % 4), L2B = indices(i -> (i / 4) * 8 + i % 4 + 4);
    private static final FloatVector L3A = indices(i -> (i / 2) * 4 + i % 2), L3B = indices(i -> (i / 2) * 4 + i % 2 + 2);
    private static final FloatVector L4A = indices(i -> 2 * i), L4B = indices(i -> 2 * i + 1);

    private LaneSum() {}

    private static FloatVector indices(java.util.function.IntUnaryOperator f) {
        float[] x = new float[16];
        for (int i = 0; i < 16; i++) x[i] = f.applyAsInt(i);
        return FloatVector.fromArray(S16, x, 0);
    }

    /**
     * {@link #of(FloatVector)} of each of 16 vectors of 16 lanes, {@code x[off + 16k ..]} for k = 0..15, into
     * {@code dst[dOff + k]}: the same additions of the same pairs (so the same sums bit for bit), done for all 16
     * at once by pairing vectors: level one puts lanes l and l + 8 of two vectors side by side and adds them, and
     * so on for 4, 2 and 1; 15 additions and 30 two-vector selections instead of 16 separate trees.
     */
    public static void ofEach(float[] x, int off, float[] dst, int dOff) {
        FloatVector r = FloatVector.zero(S16);
        for (int half = 0; half < 2; half++) {
            int o = off + 128 * half; // vectors 8·half .. 8·half + 7
            // level one for vector pairs (0, 1), (2, 3), ...: lanes 0-7 of y0 are vector 0's l + (l + 8), lanes 8-15 vector 1's.
            // Spelled out: a helper returning a vector, once C2 has compiled it on its own, is no longer inlined and boxes
            // every vector it returns (JFR: 1B generation with -fa 0 allocated ~4 MB/s here)
            FloatVector a = FloatVector.fromArray(S16, x, o), b = FloatVector.fromArray(S16, x, o + 16);
            FloatVector y0 = L1A.selectFrom(a, b).add(L1B.selectFrom(a, b));
            a = FloatVector.fromArray(S16, x, o + 32);
            b = FloatVector.fromArray(S16, x, o + 48);
            FloatVector y1 = L1A.selectFrom(a, b).add(L1B.selectFrom(a, b));
            a = FloatVector.fromArray(S16, x, o + 64);
            b = FloatVector.fromArray(S16, x, o + 80);
            FloatVector y2 = L1A.selectFrom(a, b).add(L1B.selectFrom(a, b));
            a = FloatVector.fromArray(S16, x, o + 96);
            b = FloatVector.fromArray(S16, x, o + 112);
            FloatVector y3 = L1A.selectFrom(a, b).add(L1B.selectFrom(a, b));
            FloatVector z0 = L2A.selectFrom(y0, y1).add(L2B.selectFrom(y0, y1)), z1 = L2A.selectFrom(y2, y3).add(L2B.selectFrom(y2, y3));
            FloatVector w = L3A.selectFrom(z0, z1).add(L3B.selectFrom(z0, z1));
            r = half == 0 ? w : L4A.selectFrom(r, w).add(L4B.selectFrom(r, w));
        }
        r.intoArray(dst, dOff);
    }

    /** {@link #of(FloatVector)} of the 16 floats at {@code s[o ..]}, for callers that must not pass a vector to a call. */
    static float of(float[] s, int o) {
        FloatVector v = FloatVector.fromArray(S16, s, o);
        v = v.add(v.rearrange(HALF8));
        v = v.add(v.rearrange(HALF4));
        v = v.add(v.rearrange(HALF2));
        return v.lane(0) + v.lane(1);
    }

    public static float of(FloatVector v) {
        if (v.length() == 16) {
            v = v.add(v.rearrange(HALF8));
            v = v.add(v.rearrange(HALF4));
            v = v.add(v.rearrange(HALF2));
            return v.lane(0) + v.lane(1);
        }
        float s = 0;
        for (int i = 0; i < v.length(); i++) s += v.lane(i);
        return s;
    }
}

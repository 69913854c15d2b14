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

    private LaneSum() {}

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

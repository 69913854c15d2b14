package dev.hearth.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The sum of a float vector's lanes in one fixed order. {@code reduceLanes(ADD)} leaves the order
 * open, and HotSpot uses a different one in compiled code than in the interpreter, so the same input
 * could give different last bits before and after the JIT warmed up: logits would then depend on
 * what ran earlier, and a temperature-0 answer on what else the server was doing.
 *
 * <p>For 16 lanes the order is GCC's {@code _mm512_reduce_add_ps} (upper and lower halves of 8, then 4,
 * then 2 lanes added), which is how llama.cpp's x86 build reduces; the halves are register extracts.
 */
public final class LaneSum {
    private static final VectorSpecies<Float> S8 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Float> S4 = FloatVector.SPECIES_128;
    private static final VectorSpecies<Float> S2 = FloatVector.SPECIES_64;

    private LaneSum() {}

    public static float of(FloatVector v) {
        if (v.length() == 16) {
            FloatVector h8 = v.reinterpretShape(S8, 0).reinterpretAsFloats().add(v.reinterpretShape(S8, 1).reinterpretAsFloats());
            FloatVector h4 = h8.reinterpretShape(S4, 0).reinterpretAsFloats().add(h8.reinterpretShape(S4, 1).reinterpretAsFloats());
            FloatVector h2 = h4.reinterpretShape(S2, 0).reinterpretAsFloats().add(h4.reinterpretShape(S2, 1).reinterpretAsFloats());
            return h2.lane(0) + h2.lane(1);
        }
        float s = 0;
        for (int i = 0; i < v.length(); i++) s += v.lane(i);
        return s;
    }

}

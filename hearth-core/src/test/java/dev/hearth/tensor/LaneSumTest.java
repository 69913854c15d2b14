package dev.hearth.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** ofEach gives, for each of 16 vectors, the sum LaneSum.of gives for it alone, bit for bit. */
class LaneSumTest {
    @Test
    void sixteenSumsAtOnceEqualEachSumAlone() {
        SplittableRandom rnd = new SplittableRandom(5);
        float[] x = new float[16 * 16 + 3], got = new float[19];
        for (int trial = 0; trial < 200; trial++) {
            // magnitudes from 2^-20 to 2^20 and both signs, so that the order of the additions shows in the last bits
            for (int i = 0; i < x.length; i++) x[i] = (float) (rnd.nextGaussian() * Math.pow(2, rnd.nextInt(-20, 21)));
            int off = trial % 3;
            LaneSum.ofEach(x, off, got, 2);
            for (int k = 0; k < 16; k++) {
                float want = LaneSum.of(FloatVector.fromArray(FloatVector.SPECIES_512, x, off + 16 * k));
                assertThat(Float.floatToRawIntBits(got[2 + k])).as("trial %d vector %d", trial, k).isEqualTo(Float.floatToRawIntBits(want));
            }
        }
    }
}

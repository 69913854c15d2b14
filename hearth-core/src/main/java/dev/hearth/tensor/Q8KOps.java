package dev.hearth.tensor;

import static dev.hearth.tensor.Blocks.*;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import java.lang.foreign.ValueLayout;

/**
 * Q8_K: 256 values per 292-byte block = {@code float d; int8_t qs[256]; int16_t bsums[16]} where
 * bsums[j] = Σ qs[16j .. 16j+15] (ggml-common.h block_q8_K). The activation format of all K-quants:
 * the bsums give the K-quants' per-sub-block min terms without touching qs again.
 */
class Q8KOps extends BlockOps {
    static final int QK = 256;
    static final int QS = 4;
    static final int BSUMS = 4 + 256;

    Q8KOps() {
        super(GgmlType.Q8_K, GgmlType.Q8_K);
    }

    /**
     * Σ_j mins_j·(bsums[2j] + bsums[2j+1]) for the block at {@code off}, byte j of {@code mins} being
     * min j (the K-quants' 32-value sub-blocks): the min term of their dots. Reads the bsums four at a
     * time; scalar segment reads cost bounds and liveness checks each.
     */
    static int minTerm(MemorySegment a, long off, long mins) {
        int sum = 0;
        for (int k = 0; k < 4; k++) {
            long four = a.get(LONG_LE, off + BSUMS + 8L * k);
            int pair0 = (short) four + (short) (four >>> 16);
            int pair1 = (short) (four >>> 32) + (short) (four >>> 48);
            sum += ((int) (mins >>> (16 * k)) & 0xFF) * pair0 + ((int) (mins >>> (16 * k + 8)) & 0xFF) * pair1;
        }
        return sum;
    }

    @Override
    void dequantizeBlock(MemorySegment src, long off, float[] dst, int dstOff) {
        float d = f32(src, off);
        for (int j = 0; j < QK; j++) dst[dstOff + j] = d * i8(src, off + QS + j);
    }

    /**
     * quantize_row_q8_K_ref: scale -127/max where max is the signed value of largest magnitude,
     * nearest_int rounding capped at 127, d = 1/iscale (a float, not a half). An all-zero block is
     * d = 0, qs = 0; ggml leaves its bsums unwritten, we write zeros.
     */
    @Override
    void quantizeBlock(float[] x, int xOff, MemorySegment dst, long off) {
        float iscale = referenceInverseScale(x, xOff);
        if (iscale == 0) {
            dst.asSlice(off, GgmlType.Q8_K.blockBytes).fill((byte) 0);
            return;
        }
        int[] q = new int[QK];
        for (int j = 0; j < QK; j++) {
            q[j] = Math.min(127, QuantMath.nearestInt(iscale * x[xOff + j]));
            putByte(dst, off + QS + j, q[j]);
        }
        for (int j = 0; j < QK / 16; j++) {
            int sum = 0;
            for (int i = 0; i < 16; i++) sum += q[16 * j + i];
            dst.set(SHORT_LE, off + BSUMS + 2L * j, (short) sum);
        }
        dst.set(FLOAT_LE, off, 1 / iscale);
    }

    /**
     * quantize_row_q8_K_ref's scale for the block at {@code x[o ..]}: -127 over the value of largest magnitude (the first
     * such), or 0 for an all-zero block. Q8_K_WIDE's reference quantizer uses it too.
     */
    static float referenceInverseScale(float[] x, int o) {
        float max = 0, amax = 0;
        for (int j = 0; j < QK; j++) {
            float ax = Math.abs(x[o + j]);
            if (ax > amax) {
                amax = ax;
                max = x[o + j];
            }
        }
        return amax == 0 ? 0 : -127.f / max;
    }

    @Override
    float dotBlock(MemorySegment w, long wOff, MemorySegment a, long aOff) {
        throw new UnsupportedOperationException("Q8_K is an activation format; ggml has no Q8_K weight dot");
    }

    /** Vector quantize (the activation side of every K-quant dot). */
    static final class Vectorized extends Q8KOps {
        /**
         * The reference's scale {@code -127/max} for the 256 values at {@code x[o ..]}, max being the
         * first value of largest magnitude, sign included; 0 for an all-zero block.
         */
        static float inverseScale(float[] x, int o) {
            FloatVector amaxV = FloatVector.fromArray(Simd.F512, x, o).abs();
            for (int j = 16; j < QK; j += 16) amaxV = amaxV.max(FloatVector.fromArray(Simd.F512, x, o + j).abs());
            float amax = amaxV.reduceLanes(VectorOperators.MAX);
            if (amax == 0) return 0;
            for (int j = 0; j < QK; j += 16) {
                FloatVector v = FloatVector.fromArray(Simd.F512, x, o + j);
                VectorMask<Float> hit = v.abs().compare(VectorOperators.EQ, amax);
                if (hit.anyTrue()) return -127.f / x[o + j + hit.firstTrue()];
            }
            return 0; // unreachable: amax is one of the values
        }

        @Override
        public void quantize(float[] x, int xOff, MemorySegment dst, long dstOffset, int n) {
            checkLength(GgmlType.Q8_K, n);
            for (int b = 0; b < n / QK; b++) {
                int o = xOff + QK * b;
                long off = dstOffset + 292L * b;
                float iscale = inverseScale(x, o);
                if (iscale == 0) {
                    dst.asSlice(off, GgmlType.Q8_K.blockBytes).fill((byte) 0);
                    continue;
                }
                for (int j = 0; j < QK; j += 32) {
                    IntVector q0 = Simd.nearestInt(FloatVector.fromArray(Simd.F512, x, o + j).mul(iscale)).min(127);
                    IntVector q1 = Simd.nearestInt(FloatVector.fromArray(Simd.F512, x, o + j + 16).mul(iscale)).min(127);
                    dst.set(SHORT_LE, off + BSUMS + j / 8, (short) q0.reduceLanes(VectorOperators.ADD));
                    dst.set(SHORT_LE, off + BSUMS + j / 8 + 2, (short) q1.reduceLanes(VectorOperators.ADD));
                    Simd.narrowToBytes(q0, q1).intoMemorySegment(dst, off + QS + j, Simd.ORDER);
                }
                dst.set(FLOAT_LE, off, 1 / iscale);
            }
        }
    }
}

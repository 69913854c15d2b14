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

/**
 * Q8_1: 32 values per 36-byte block = {@code ggml_half d; ggml_half s; int8_t qs[32]} with
 * s = d·Σq (ggml-common.h block_q8_1). Only an activation format: the dot partner of Q4_1 and Q5_1,
 * whose min term needs Σa, which {@code s} provides. ggml has no Q8_1·Q8_1 dot, so neither do we.
 */
class Q8_1Ops extends BlockOps {
    static final int QK = 32;

    Q8_1Ops() {
        super(GgmlType.Q8_1, GgmlType.Q8_1);
    }

    @Override
    void dequantizeBlock(MemorySegment src, long off, float[] dst, int dstOff) {
        float d = half(src, off);
        for (int j = 0; j < QK; j++) dst[dstOff + j] = i8(src, off + 4 + j) * d;
    }

    /** quantize_row_q8_1_ref: as Q8_0 (roundf), plus s = fp16(Σq · d). */
    @Override
    void quantizeBlock(float[] x, int xOff, MemorySegment dst, long off) {
        float d = Q8_0Ops.quantizeReference(x, xOff, dst, off, off + 4);
        int sum = 0;
        for (int j = 0; j < QK; j++) sum += i8(dst, off + 4 + j);
        putHalf(dst, off + 2, sum * d);
    }

    /** llama.cpp's x86 run-time activation quantizer, not the file quantizer: see {@link CpuActivationQuant}. */
    @Override
    public void quantizeActivations(float[] x, int xOff, MemorySegment dst, long dstOffset, int n) {
        Blocks.checkLength(type(), n);
        CpuActivationQuant.q8_1(x, xOff, dst, dstOffset, n);
    }

    @Override
    float dotBlock(MemorySegment w, long wOff, MemorySegment a, long aOff) {
        throw new UnsupportedOperationException("Q8_1 is an activation format; ggml has no Q8_1 weight dot");
    }

    /** Vector quantize (the activation side of Q4_1/Q5_1 dots); see {@link Q8_0Ops.Vectorized}. */
    static final class Vectorized extends Q8_1Ops {
        @Override
        public void quantize(float[] x, int xOff, MemorySegment dst, long dstOffset, int n) {
            checkLength(GgmlType.Q8_1, n);
            for (int b = 0; b < n / QK; b++) {
                int o = xOff + QK * b;
                long off = dstOffset + 36L * b;
                FloatVector v0 = FloatVector.fromArray(Simd.F512, x, o);
                FloatVector v1 = FloatVector.fromArray(Simd.F512, x, o + 16);
                float amax = v0.abs().max(v1.abs()).reduceLanes(VectorOperators.MAX);
                float d = amax / 127;
                float id = d != 0 ? 1.0f / d : 0.0f;
                IntVector q0 = Simd.roundHalfAway(v0.mul(id));
                IntVector q1 = Simd.roundHalfAway(v1.mul(id));
                int sum = q0.add(q1).reduceLanes(VectorOperators.ADD);
                putHalf(dst, off, d);
                putHalf(dst, off + 2, sum * d);
                Simd.narrowToBytes(q0, q1).intoMemorySegment(dst, off + 4, Simd.ORDER);
            }
        }
    }
}

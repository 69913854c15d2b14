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

/** F32: little-endian IEEE floats; dots against F32 (ggml-cpu.c: vec_dot_type F32). */
class F32Ops extends BlockOps {
    F32Ops() {
        super(GgmlType.F32, GgmlType.F32);
    }

    @Override
    void dequantizeBlock(MemorySegment src, long off, float[] dst, int dstOff) {
        dst[dstOff] = f32(src, off);
    }

    @Override
    void quantizeBlock(float[] src, int srcOff, MemorySegment dst, long off) {
        dst.set(FLOAT_LE, off, src[srcOff]);
    }

    @Override
    float dotBlock(MemorySegment w, long wOff, MemorySegment a, long aOff) {
        return f32(w, wOff) * f32(a, aOff);
    }

    /** As ggml_vec_dot_f32's scalar path: float products summed in double (ggml_float). */
    @Override
    public float dot(MemorySegment w, long wOffset, MemorySegment a, long aOffset, int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) sum += f32(w, wOffset + 4L * i) * f32(a, aOffset + 4L * i);
        return (float) sum;
    }

    /** Vector dot: FMA over the preferred float species, four accumulators to hide FMA latency. */
    static final class Vectorized extends F32Ops {
        private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

        @Override
        public float dot(MemorySegment w, long wOffset, MemorySegment a, long aOffset, int n) {
            int len = F.length();
            FloatVector acc0 = FloatVector.zero(F), acc1 = acc0, acc2 = acc0, acc3 = acc0;
            int i = 0;
            for (; i + 4 * len <= n; i += 4 * len) {
                long wo = wOffset + 4L * i, ao = aOffset + 4L * i;
                // loads spelled out: see Simd on why kernels do not call vector helpers
                acc0 = FloatVector.fromMemorySegment(F, w, wo, Simd.ORDER)
                        .fma(FloatVector.fromMemorySegment(F, a, ao, Simd.ORDER), acc0);
                acc1 = FloatVector.fromMemorySegment(F, w, wo + 4L * len, Simd.ORDER)
                        .fma(FloatVector.fromMemorySegment(F, a, ao + 4L * len, Simd.ORDER), acc1);
                acc2 = FloatVector.fromMemorySegment(F, w, wo + 8L * len, Simd.ORDER)
                        .fma(FloatVector.fromMemorySegment(F, a, ao + 8L * len, Simd.ORDER), acc2);
                acc3 = FloatVector.fromMemorySegment(F, w, wo + 12L * len, Simd.ORDER)
                        .fma(FloatVector.fromMemorySegment(F, a, ao + 12L * len, Simd.ORDER), acc3);
            }
            for (; i + len <= n; i += len) {
                acc0 = FloatVector.fromMemorySegment(F, w, wOffset + 4L * i, Simd.ORDER)
                        .fma(FloatVector.fromMemorySegment(F, a, aOffset + 4L * i, Simd.ORDER), acc0);
            }
            float sum = LaneSum.of(acc0.add(acc1).add(acc2.add(acc3)));
            for (; i < n; i++) sum += f32(w, wOffset + 4L * i) * f32(a, aOffset + 4L * i);
            return sum;
        }
    }
}

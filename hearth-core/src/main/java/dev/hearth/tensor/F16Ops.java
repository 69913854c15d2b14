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
 * F16: little-endian IEEE halves. Encoding rounds to nearest even (ggml's GGML_FP32_TO_FP16, and
 * Java's {@link Float#floatToFloat16}); dots against F16 (ggml-cpu.c: vec_dot_type F16).
 */
class F16Ops extends BlockOps {
    F16Ops() {
        super(GgmlType.F16, GgmlType.F16);
    }

    @Override
    void dequantizeBlock(MemorySegment src, long off, float[] dst, int dstOff) {
        dst[dstOff] = half(src, off);
    }

    @Override
    void quantizeBlock(float[] src, int srcOff, MemorySegment dst, long off) {
        putHalf(dst, off, src[srcOff]);
    }

    @Override
    float dotBlock(MemorySegment w, long wOff, MemorySegment a, long aOff) {
        return half(w, wOff) * half(a, aOff);
    }

    /** As ggml_vec_dot_f16's scalar path: float products summed in double (ggml_float). */
    @Override
    public float dot(MemorySegment w, long wOffset, MemorySegment a, long aOffset, int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) sum += half(w, wOffset + 2L * i) * half(a, aOffset + 2L * i);
        return (float) sum;
    }

    /** Vector dot: 32 halves per load, widened exactly in int lanes ({@link Simd#halfToFloat}), then FMA. */
    static final class Vectorized extends F16Ops {
        @Override
        public float dot(MemorySegment w, long wOffset, MemorySegment a, long aOffset, int n) {
            FloatVector acc0 = FloatVector.zero(Simd.F512), acc1 = acc0;
            int i = 0;
            for (; i + 32 <= n; i += 32) {
                ShortVector wh = Simd.loadHalves(w, wOffset + 2L * i);
                ShortVector ah = Simd.loadHalves(a, aOffset + 2L * i);
                acc0 = Simd.halfToFloat(wh, 0).fma(Simd.halfToFloat(ah, 0), acc0);
                acc1 = Simd.halfToFloat(wh, 1).fma(Simd.halfToFloat(ah, 1), acc1);
            }
            float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
            for (; i < n; i++) sum += half(w, wOffset + 2L * i) * half(a, aOffset + 2L * i);
            return sum;
        }

        @Override
        public void dequantize(MemorySegment src, long srcOffset, float[] dst, int dstOffset, int n) {
            int i = 0;
            for (; i + 32 <= n; i += 32) {
                ShortVector h = Simd.loadHalves(src, srcOffset + 2L * i);
                Simd.halfToFloat(h, 0).intoArray(dst, dstOffset + i);
                Simd.halfToFloat(h, 1).intoArray(dst, dstOffset + i + 16);
            }
            for (; i < n; i++) dst[dstOffset + i] = half(src, srcOffset + 2L * i);
        }
    }
}

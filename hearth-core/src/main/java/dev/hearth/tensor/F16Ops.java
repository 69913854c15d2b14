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
            FloatVector acc = FloatVector.zero(Simd.F512);
            int i = 0;
            for (; i + 16 <= n; i += 16) {
                // Simd.halfToFloat spelled out for both operands (see Simd on why kernels do not call it)
                IntVector wx = (IntVector) ShortVector.fromMemorySegment(Simd.S256, w, wOffset + 2L * i, Simd.ORDER)
                        .convertShape(VectorOperators.S2I, Simd.I512, 0);
                IntVector ax = (IntVector) ShortVector.fromMemorySegment(Simd.S256, a, aOffset + 2L * i, Simd.ORDER)
                        .convertShape(VectorOperators.S2I, Simd.I512, 0);
                FloatVector wm = wx.and(0x7fff).lanewise(VectorOperators.LSHL, 13).reinterpretAsFloats().mul(0x1p112f);
                FloatVector am = ax.and(0x7fff).lanewise(VectorOperators.LSHL, 13).reinterpretAsFloats().mul(0x1p112f);
                IntVector wb = wm.reinterpretAsInts()
                        .lanewise(VectorOperators.OR, 0x7f800000, wm.compare(VectorOperators.GE, 65536f).cast(Simd.I512))
                        .lanewise(VectorOperators.OR, 0x00400000, wx.and(0x7fff).compare(VectorOperators.GT, 0x7c00))
                        .or(wx.and(0x8000).lanewise(VectorOperators.LSHL, 16));
                IntVector ab = am.reinterpretAsInts()
                        .lanewise(VectorOperators.OR, 0x7f800000, am.compare(VectorOperators.GE, 65536f).cast(Simd.I512))
                        .lanewise(VectorOperators.OR, 0x00400000, ax.and(0x7fff).compare(VectorOperators.GT, 0x7c00))
                        .or(ax.and(0x8000).lanewise(VectorOperators.LSHL, 16));
                acc = wb.reinterpretAsFloats().fma(ab.reinterpretAsFloats(), acc);
            }
            float sum = LaneSum.of(acc);
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

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

    F16Ops(GgmlType dotType) {
        super(GgmlType.F16, dotType);
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

    /**
     * Vector dot against {@link GgmlType#F16_WIDE} activations (the same f16 values as floats, scaled
     * by 2^112, so only the weights are converted per row, and cheaply). A half's bits, sign-extended,
     * shifted left by 13 and masked, are a float with the half's sign, mantissa and exponent, 112 too
     * small in the exponent — exactly 2^-112 times the half's value, subnormal halves included. The
     * activations carry the 2^112 (exact: |f16| ≤ 65504 keeps them finite), so the FMA forms exactly
     * the products it would have. That misreads only infinities and NaNs, so each 32 halves are checked
     * for an all-ones exponent and then take the exact widening ({@link Simd#halfToFloat}'s, spelled
     * out). FMA order: one accumulator, 16 values at a time, then {@link LaneSum}'s tree.
     */
    static final class Vectorized extends F16Ops {
        Vectorized() {
            super(GgmlType.F16_WIDE);
        }

        @Override
        public float dot(MemorySegment w, long wOffset, MemorySegment a, long aOffset, int n) {
            FloatVector acc = FloatVector.zero(Simd.F512);
            int i = 0;
            for (; i + 32 <= n; i += 32) {
                ShortVector h = ShortVector.fromMemorySegment(Simd.S512, w, wOffset + 2L * i, Simd.ORDER);
                FloatVector a0 = FloatVector.fromMemorySegment(Simd.F512, a, aOffset + 4L * i, Simd.ORDER);
                FloatVector a1 = FloatVector.fromMemorySegment(Simd.F512, a, aOffset + 4L * i + 64, Simd.ORDER);
                IntVector wx0 = (IntVector) h.convertShape(VectorOperators.S2I, Simd.I512, 0);
                IntVector wx1 = (IntVector) h.convertShape(VectorOperators.S2I, Simd.I512, 1);
                if (!h.and((short) 0x7c00).compare(VectorOperators.EQ, (short) 0x7c00).anyTrue()) {
                    acc = wx0.lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().fma(a0, acc);
                    acc = wx1.lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().fma(a1, acc);
                } else {
                    // exact widening, undoing the activations' 2^112 instead of applying it to the weights
                    FloatVector wm = wx0.and(0x7fff).lanewise(VectorOperators.LSHL, 13).reinterpretAsFloats().mul(0x1p112f);
                    FloatVector w0 = wm.reinterpretAsInts()
                            .lanewise(VectorOperators.OR, 0x7f800000, wm.compare(VectorOperators.GE, 65536f).cast(Simd.I512))
                            .lanewise(VectorOperators.OR, 0x00400000, wx0.and(0x7fff).compare(VectorOperators.GT, 0x7c00))
                            .or(wx0.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
                    acc = w0.fma(a0.mul(0x1p-112f), acc);
                    wm = wx1.and(0x7fff).lanewise(VectorOperators.LSHL, 13).reinterpretAsFloats().mul(0x1p112f);
                    FloatVector w1 = wm.reinterpretAsInts()
                            .lanewise(VectorOperators.OR, 0x7f800000, wm.compare(VectorOperators.GE, 65536f).cast(Simd.I512))
                            .lanewise(VectorOperators.OR, 0x00400000, wx1.and(0x7fff).compare(VectorOperators.GT, 0x7c00))
                            .or(wx1.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
                    acc = w1.fma(a1.mul(0x1p-112f), acc);
                }
            }
            float sum = LaneSum.of(acc);
            for (; i < n; i++) sum += half(w, wOffset + 2L * i) * (f32(a, aOffset + 4L * i) * 0x1p-112f);
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

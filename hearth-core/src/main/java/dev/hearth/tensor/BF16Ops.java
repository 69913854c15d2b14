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

/** BF16: little-endian bfloat16 ({@link BFloat16}); dots against BF16 (ggml-cpu.c: vec_dot_type BF16). */
class BF16Ops extends BlockOps {
    BF16Ops() {
        super(GgmlType.BF16, GgmlType.BF16);
    }

    @Override
    void dequantizeBlock(MemorySegment src, long off, float[] dst, int dstOff) {
        dst[dstOff] = BFloat16.toFloat(src.get(SHORT_LE, off));
    }

    @Override
    void quantizeBlock(float[] src, int srcOff, MemorySegment dst, long off) {
        dst.set(SHORT_LE, off, BFloat16.fromFloat(src[srcOff]));
    }

    @Override
    float dotBlock(MemorySegment w, long wOff, MemorySegment a, long aOff) {
        return BFloat16.toFloat(w.get(SHORT_LE, wOff)) * BFloat16.toFloat(a.get(SHORT_LE, aOff));
    }

    /** As ggml_vec_dot_bf16's scalar path: float products summed in double (ggml_float). */
    @Override
    public float dot(MemorySegment w, long wOffset, MemorySegment a, long aOffset, int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += BFloat16.toFloat(w.get(SHORT_LE, wOffset + 2L * i)) * BFloat16.toFloat(a.get(SHORT_LE, aOffset + 2L * i));
        }
        return (float) sum;
    }

    /** Vector dot (bf16 widening is a shift) and quantize (ggml's rounding in int lanes), 32 values per step. */
    static final class Vectorized extends BF16Ops {
        @Override
        public float dot(MemorySegment w, long wOffset, MemorySegment a, long aOffset, int n) {
            FloatVector acc0 = FloatVector.zero(Simd.F512), acc1 = acc0;
            int i = 0;
            for (; i + 32 <= n; i += 32) {
                // widening spelled out (see Simd on why kernels do not call vector helpers)
                ShortVector wh = ShortVector.fromMemorySegment(Simd.S512, w, wOffset + 2L * i, Simd.ORDER);
                ShortVector ah = ShortVector.fromMemorySegment(Simd.S512, a, aOffset + 2L * i, Simd.ORDER);
                FloatVector w0 = ((IntVector) wh.convertShape(VectorOperators.S2I, Simd.I512, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
                FloatVector w1 = ((IntVector) wh.convertShape(VectorOperators.S2I, Simd.I512, 1)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
                FloatVector a0 = ((IntVector) ah.convertShape(VectorOperators.S2I, Simd.I512, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
                FloatVector a1 = ((IntVector) ah.convertShape(VectorOperators.S2I, Simd.I512, 1)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
                acc0 = w0.fma(a0, acc0);
                acc1 = w1.fma(a1, acc1);
            }
            float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
            for (; i < n; i++) {
                sum += BFloat16.toFloat(w.get(SHORT_LE, wOffset + 2L * i)) * BFloat16.toFloat(a.get(SHORT_LE, aOffset + 2L * i));
            }
            return sum;
        }

        @Override
        public void dequantize(MemorySegment src, long srcOffset, float[] dst, int dstOffset, int n) {
            int i = 0;
            for (; i + 32 <= n; i += 32) {
                ShortVector h = Simd.loadHalves(src, srcOffset + 2L * i);
                Simd.bf16ToFloat(h, 0).intoArray(dst, dstOffset + i);
                Simd.bf16ToFloat(h, 1).intoArray(dst, dstOffset + i + 16);
            }
            for (; i < n; i++) dst[dstOffset + i] = BFloat16.toFloat(src.get(SHORT_LE, srcOffset + 2L * i));
        }

        @Override
        public void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int n) {
            int i = 0;
            for (; i + 32 <= n; i += 32) {
                Simd.narrowToShorts(toBf16Bits(src, srcOffset + i), toBf16Bits(src, srcOffset + i + 16))
                        .intoMemorySegment(dst, dstOffset + 2L * i, Simd.ORDER);
            }
            for (; i < n; i++) dst.set(SHORT_LE, dstOffset + 2L * i, BFloat16.fromFloat(src[srcOffset + i]));
        }

        /** {@link BFloat16#fromFloat} on 16 lanes: round to nearest even, NaNs quieted. */
        private static IntVector toBf16Bits(float[] src, int offset) {
            IntVector bits = FloatVector.fromArray(Simd.F512, src, offset).reinterpretAsInts();
            IntVector upper = bits.lanewise(VectorOperators.LSHR, 16);
            IntVector rounded = bits.add(upper.and(1).add(0x7FFF)).lanewise(VectorOperators.LSHR, 16);
            VectorMask<Integer> nan = bits.and(0x7FFFFFFF).compare(VectorOperators.GT, 0x7F800000);
            return rounded.blend(upper.or(64), nan);
        }
    }
}

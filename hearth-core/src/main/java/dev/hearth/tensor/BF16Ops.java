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
        /**
         * The order llama.cpp's x86 build sums in (tinyBLAS with AVX512-BF16, ggml-cpu/llamafile/sgemm.cpp):
         * one 16-lane accumulator; per 32 values, lane j adds the product of the odd pair member, then the
         * even one ({@code vdpbf16ps}); then GCC's {@code _mm512_reduce_add_ps} tree. bf16 products are exact
         * in float, so this reproduces its sums bit for bit. It matters more than it seems: the next matmul
         * rounds activations to bf16 (8 significant bits), where a last-bit difference can flip a value.
         */
        @Override
        public float dot(MemorySegment w, long wOffset, MemorySegment a, long aOffset, int n) {
            FloatVector acc = FloatVector.zero(Simd.F512);
            int i = 0;
            for (; i + 32 <= n; i += 32) {
                IntVector wi = IntVector.fromMemorySegment(Simd.I512, w, wOffset + 2L * i, Simd.ORDER);
                IntVector ai = IntVector.fromMemorySegment(Simd.I512, a, aOffset + 2L * i, Simd.ORDER);
                FloatVector wOdd = wi.and(0xFFFF0000).reinterpretAsFloats(), aOdd = ai.and(0xFFFF0000).reinterpretAsFloats();
                FloatVector wEven = wi.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
                FloatVector aEven = ai.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
                acc = acc.add(wOdd.mul(aOdd)).add(wEven.mul(aEven));
            }
            // LaneSum.of's tree spelled out (a call that is not inlined would box the vector for every row)
            acc = acc.add(acc.rearrange(LaneSum.HALF8));
            acc = acc.add(acc.rearrange(LaneSum.HALF4));
            acc = acc.add(acc.rearrange(LaneSum.HALF2));
            float sum = acc.lane(0) + acc.lane(1);
            for (; i < n; i++) {
                sum += BFloat16.toFloat(w.get(SHORT_LE, wOffset + 2L * i)) * BFloat16.toFloat(a.get(SHORT_LE, aOffset + 2L * i));
            }
            return sum;
        }

        /**
         * Per 32 values: the 16 odd-indexed first, then the 16 even-indexed. FloatGemm's lane j then adds
         * element 2j+1 before 2j of each 32-chunk, the order {@code vdpbf16ps} (llama.cpp's AVX512-BF16
         * tinyBLAS) accumulates in; bf16 products are exact in float, so the sums agree to the bit.
         */
        @Override
        public void decodeForGemm(MemorySegment src, long srcOffset, float[] dst, int dstOffset, int n) {
            if (n % 32 != 0) {
                dequantize(src, srcOffset, dst, dstOffset, n);
                return;
            }
            for (int c = 0; c < n; c += 32) {
                IntVector v = IntVector.fromMemorySegment(Simd.I512, src, srcOffset + 2L * c, Simd.ORDER);
                v.and(0xFFFF0000).reinterpretAsFloats().intoArray(dst, dstOffset + c);
                v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoArray(dst, dstOffset + c + 16);
            }
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
            IntVector bits = (IntVector) FloatVector.fromArray(Simd.F512, src, offset).reinterpretShape(Simd.I512, 0);
            IntVector upper = bits.lanewise(VectorOperators.LSHR, 16);
            IntVector rounded = bits.add(upper.and(1).add(0x7FFF)).lanewise(VectorOperators.LSHR, 16);
            VectorMask<Integer> nan = bits.and(0x7FFFFFFF).compare(VectorOperators.GT, 0x7F800000);
            return rounded.blend(upper.or(64), nan);
        }
    }
}

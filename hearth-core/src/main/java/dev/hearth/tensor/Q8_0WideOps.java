package dev.hearth.tensor;

import static dev.hearth.tensor.Blocks.*;
import static dev.hearth.tensor.Simd.*;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q8_0_WIDE: Hearth's run-time encoding of the activations that Q8_0 weights multiply with — the
 * numbers of llama.cpp's x86 run-time Q8_0 quantizer ({@link CpuActivationQuant}: scale d rounded to
 * fp16, values rounded half to even), stored as {@code short q[32]} at 0 and {@code float d} (the fp16
 * scale, widened exactly) at 64. Encoding once per step what every weight row would otherwise widen
 * again takes a conversion and a half-to-float out of the dot's inner loop.
 */
class Q8_0WideOps extends BlockOps {
    static final int QK = 32;
    static final int D = 64;

    Q8_0WideOps() {
        super(GgmlType.Q8_0_WIDE, GgmlType.Q8_0_WIDE);
    }

    @Override
    void dequantizeBlock(MemorySegment src, long off, float[] dst, int dstOff) {
        float d = f32(src, off + D);
        for (int j = 0; j < QK; j++) dst[dstOff + j] = i16(src, off + 2L * j) * d;
    }

    /** The Q8_0 run-time quantization, widened ({@link CpuActivationQuant#q8_0Wide}, the kernels' own: no block copy to allocate). */
    @Override
    void quantizeBlock(float[] x, int xOff, MemorySegment dst, long off) {
        CpuActivationQuant.q8_0Wide(x, xOff, dst, off, QK);
    }

    @Override
    float dotBlock(MemorySegment w, long wOff, MemorySegment a, long aOff) {
        throw new UnsupportedOperationException("Q8_0_WIDE is an activation format, not a weight format");
    }

    static final class Vectorized extends Q8_0WideOps {
        @Override
        public void quantize(float[] x, int xOff, MemorySegment dst, long dstOffset, int n) {
            checkLength(GgmlType.Q8_0_WIDE, n);
            CpuActivationQuant.q8_0Wide(x, xOff, dst, dstOffset, n);
        }

        /** Feeds the float GEMM of prompt processing: the values the dot sees. */
        @Override
        public void dequantize(MemorySegment src, long srcOffset, float[] dst, int dstOffset, int n) {
            checkLength(GgmlType.Q8_0_WIDE, n);
            for (int b = 0; b < n / QK; b++) {
                long off = srcOffset + 68L * b;
                float d = f32(src, off + D);
                ShortVector q = ShortVector.fromMemorySegment(S512, src, off, ORDER);
                ((IntVector) q.convertShape(VectorOperators.S2I, I512, 0)).convert(VectorOperators.I2F, 0).reinterpretAsFloats().mul(d).intoArray(dst, dstOffset + QK * b);
                ((IntVector) q.convertShape(VectorOperators.S2I, I512, 1)).convert(VectorOperators.I2F, 0).reinterpretAsFloats().mul(d).intoArray(dst, dstOffset + QK * b + 16);
            }
        }
    }
}

package dev.hearth.tensor;

import static dev.hearth.tensor.Blocks.putHalf;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Activation quantization as llama.cpp's x86 CPU backend does it before a Q8_0 or Q8_1 dot
 * ({@code quantize_row_q8_0} / {@code quantize_row_q8_1} in ggml-cpu/arch/x86/quants.c), which is
 * not the reference quantizer that writes files: the inverse scale is {@code 127 / amax} rather than
 * {@code 1 / (amax / 127)}, and values are rounded half to even ({@code _MM_ROUND_NEAREST}) rather
 * than half away from zero.
 *
 * <p>The two differ only on (near-)ties, which sounds negligible but is not: activations computed
 * from a Q4_0 embedding are small multiples of one scale, so within a 32-block many values land at
 * exactly ±63.5 after scaling, and a last-bit difference in the inverse scale decides their rounding.
 * Measured on a tied Q4_0 model: mean KL to llama.cpp 0.013 with the reference quantizer, 0.0015 with
 * this one (llama.cpp's own -fa 1 vs -fa 0 noise: 0.0054).
 */
final class CpuActivationQuant {
    private CpuActivationQuant() {}

    private static final float MAGIC = 12582912f; // 1.5 * 2^23: x + MAGIC - MAGIC rounds |x| < 2^22 half to even

    /** Q8_0 blocks (d, qs[32]) of {@code n} values. */
    static void q8_0(float[] x, int xOff, MemorySegment dst, long dstOff, int n) {
        for (int b = 0; b < n / 32; b++) block(x, xOff + 32 * b, dst, dstOff + 34L * b, Layout.Q8_0);
    }

    /** Q8_1 blocks (d, s = fp16(d·Σq), qs[32]) of {@code n} values. */
    static void q8_1(float[] x, int xOff, MemorySegment dst, long dstOff, int n) {
        for (int b = 0; b < n / 32; b++) block(x, xOff + 32 * b, dst, dstOff + 36L * b, Layout.Q8_1);
    }

    /** Q8_0_WIDE blocks (short q[32], then d widened to float) of {@code n} values: Q8_0's numbers. */
    static void q8_0Wide(float[] x, int xOff, MemorySegment dst, long dstOff, int n) {
        for (int b = 0; b < n / 32; b++) block(x, xOff + 32 * b, dst, dstOff + 68L * b, Layout.Q8_0_WIDE);
    }

    /** Q8_0_NIBBLE rows ({@link Q8_0NibbleOps}) of {@code n} values: Q8_0's numbers. */
    static void q8_0Nibble(float[] x, int xOff, MemorySegment dst, long dstOff, int n) {
        int nb = n / 32;
        for (int b = 0; b < nb; b++) {
            FloatVector v0 = FloatVector.fromArray(Simd.F512, x, xOff + 32 * b);
            FloatVector v1 = FloatVector.fromArray(Simd.F512, x, xOff + 32 * b + 16);
            float amax = v0.abs().max(v1.abs()).reduceLanes(VectorOperators.MAX);
            float d = amax / 127f;
            float id = amax != 0f ? 127f / amax : 0f;
            IntVector q0 = roundHalfEven(v0.mul(id));
            IntVector q1 = roundHalfEven(v1.mul(id));
            long off = dstOff + (long) Q8_0NibbleOps.BLOCK * b;
            ((FloatVector) q0.convert(VectorOperators.I2F, 0)).mul(32768f).intoMemorySegment(dst, off, Simd.ORDER);
            ((FloatVector) q1.sub(q0.mul(16)).convert(VectorOperators.I2F, 0)).mul(2048f).intoMemorySegment(dst, off + 64, Simd.ORDER);
            ((FloatVector) q0.mul(-8).sub(q1.mul(2056)).convert(VectorOperators.I2F, 0)).intoMemorySegment(dst, off + 128, Simd.ORDER);
            // this block's scale, and the same value as block b-1's second, b-2's third, b-3's fourth
            float scaled = Float.float16ToFloat(Float.floatToFloat16(d)) * 0x1p112f;
            for (int k = 0; k < 4; k++) {
                if (b - k >= 0) dst.set(Blocks.FLOAT_LE, off - (long) Q8_0NibbleOps.BLOCK * k + Q8_0NibbleOps.SCALES + 4 * k, scaled);
                if (b + k >= nb) dst.set(Blocks.FLOAT_LE, off + Q8_0NibbleOps.SCALES + 4 * k, 0f);
            }
            // the padding after the four scales, zeroed with two stores: asSlice(..).fill(0) allocated a slice per block
            // (C2 did not eliminate it: ~100 MB in 30 s of 1B Q4_0 generation, one young GC every few seconds)
            ByteVector.zero(Simd.B256).intoMemorySegment(dst, off + Q8_0NibbleOps.SCALES + 16, Simd.ORDER);
            ByteVector.zero(Simd.B128).intoMemorySegment(dst, off + Q8_0NibbleOps.SCALES + 48, Simd.ORDER);
        }
    }

    private enum Layout { Q8_0, Q8_1, Q8_0_WIDE }

    private static void block(float[] x, int o, MemorySegment dst, long off, Layout layout) {
        FloatVector v0 = FloatVector.fromArray(Simd.F512, x, o);
        FloatVector v1 = FloatVector.fromArray(Simd.F512, x, o + 16);
        float amax = v0.abs().max(v1.abs()).reduceLanes(VectorOperators.MAX);
        float d = amax / 127f;
        float id = amax != 0f ? 127f / amax : 0f;
        IntVector q0 = roundHalfEven(v0.mul(id));
        IntVector q1 = roundHalfEven(v1.mul(id));
        if (layout == Layout.Q8_0_WIDE) {
            Simd.narrowToShorts(q0, q1).intoMemorySegment(dst, off, Simd.ORDER);
            dst.set(Blocks.FLOAT_LE, off + Q8_0WideOps.D, Float.float16ToFloat(Float.floatToFloat16(d)));
            return;
        }
        int qsOffset = layout == Layout.Q8_1 ? 4 : 2;
        putHalf(dst, off, d);
        q0.convertShape(VectorOperators.I2B, Simd.B128, 0).reinterpretAsBytes().intoMemorySegment(dst, off + qsOffset, Simd.ORDER);
        q1.convertShape(VectorOperators.I2B, Simd.B128, 0).reinterpretAsBytes().intoMemorySegment(dst, off + qsOffset + 16, Simd.ORDER);
        if (layout == Layout.Q8_1) putHalf(dst, off + 2, d * q0.add(q1).reduceLanes(VectorOperators.ADD));
    }

    private static IntVector roundHalfEven(FloatVector v) {
        return (IntVector) v.add(MAGIC).sub(MAGIC).convert(VectorOperators.F2I, 0);
    }
}

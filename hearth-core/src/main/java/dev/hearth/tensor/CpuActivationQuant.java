package dev.hearth.tensor;

import static dev.hearth.tensor.Blocks.putHalf;

import java.lang.foreign.MemorySegment;
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

    /**
     * Q8_0_NIBBLE rows ({@link Q8_0NibbleOps}) of {@code n} values: Q8_0's numbers. A block's last 64 bytes (its scale, the
     * next three blocks' and zeros) are written once, as one vector, when the third block after it is done: a window of
     * the last four scales slides one lane per block, where before up to eight single floats were stored per block, into
     * this block's tail and the three before it. (Those stores held 1.8% of a 1B Q4_0 pp512's samples; with one store, the
     * samples stayed on it: they were this encoding's 8 bytes a value going out to memory, which the prompt GEMM now
     * skips, {@link ActivationRoundTrip}.)
     */
    static void q8_0Nibble(float[] x, int xOff, MemorySegment dst, long dstOff, int n) {
        int nb = n / 32;
        FloatVector zero = FloatVector.zero(Simd.F512), window = zero; // lanes 0-3: the scales of blocks b-3 .. b
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
            window = window.slice(1, zero).withLane(3, Float.float16ToFloat(Float.floatToFloat16(d)) * 0x1p112f);
            if (b >= 3) window.intoMemorySegment(dst, tail(dstOff, b - 3), Simd.ORDER);
        }
        // the last three blocks: block j's scale is in lane 3 - (nb - 1 - j) of the window, shifted down to lane 0
        for (int j = Math.max(0, nb - 3); j < nb; j++) window.slice(j - nb + 4, zero).intoMemorySegment(dst, tail(dstOff, j), Simd.ORDER);
    }

    /**
     * The values {@link Q8_0NibbleOps#dequantize} gives for {@link #q8_0Nibble}'s encoding of {@code n} values: q·d, d the
     * block's scale rounded to float16 (q has at most 8 bits and d 11, so the product is exact, as it is there).
     */
    static void q8_0RoundTrip(float[] x, int xOff, float[] dst, int dstOff, int n) {
        for (int b = 0; b < n / 32; b++) {
            FloatVector v0 = FloatVector.fromArray(Simd.F512, x, xOff + 32 * b);
            FloatVector v1 = FloatVector.fromArray(Simd.F512, x, xOff + 32 * b + 16);
            float amax = v0.abs().max(v1.abs()).reduceLanes(VectorOperators.MAX);
            float d = Float.float16ToFloat(Float.floatToFloat16(amax / 127f));
            float id = amax != 0f ? 127f / amax : 0f;
            ((FloatVector) roundHalfEven(v0.mul(id)).convert(VectorOperators.I2F, 0)).mul(d).intoArray(dst, dstOff + 32 * b);
            ((FloatVector) roundHalfEven(v1.mul(id)).convert(VectorOperators.I2F, 0)).mul(d).intoArray(dst, dstOff + 32 * b + 16);
        }
    }

    /** Where block b's scales begin in a Q8_0_NIBBLE row at {@code rowOff}. */
    private static long tail(long rowOff, int b) {
        return rowOff + (long) Q8_0NibbleOps.BLOCK * b + Q8_0NibbleOps.SCALES;
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

package dev.hearth.tensor;

import static dev.hearth.tensor.Blocks.*;

import java.lang.foreign.MemorySegment;

/**
 * F16_WIDE: Hearth's run-time encoding of the activations that F16 weights multiply with — each value
 * rounded to float16 as ggml does (round to nearest even), stored as the float it equals times 2^16
 * (exact both ways, and never a float subnormal: f16 values lie between 2^-24 and 65504). The numbers
 * are F16's; the dot no longer converts the activation side once per weight row, and the 2^16 undoes
 * the 2^-16 its cheap widening of the weights leaves in (see {@code F16Ops.Vectorized}).
 */
final class F16WideOps extends BlockOps implements ActivationRoundTrip {
    F16WideOps() {
        super(GgmlType.F16_WIDE, GgmlType.F16_WIDE);
    }

    static final float SCALE = 0x1p16f;

    @Override
    void dequantizeBlock(MemorySegment src, long off, float[] dst, int dstOff) {
        dst[dstOff] = f32(src, off) * 0x1p-16f;
    }

    @Override
    void quantizeBlock(float[] src, int srcOff, MemorySegment dst, long off) {
        dst.set(FLOAT_LE, off, Float.float16ToFloat(Float.floatToFloat16(src[srcOff])) * SCALE);
    }

    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[0]);

    /** Through a float array: plain array loops that C2 vectorizes (both conversions are x86 instructions). */
    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int n) {
        float[] tmp = SCRATCH.get();
        if (tmp.length < n) SCRATCH.set(tmp = new float[n]);
        for (int i = 0; i < n; i++) tmp[i] = Float.float16ToFloat(Float.floatToFloat16(src[srcOffset + i])) * SCALE;
        MemorySegment.copy(tmp, 0, dst, FLOAT_LE, dstOffset, n);
    }

    /** The f16-rounded values, the 2^16 and its undoing left out (exact: no f16 value is near a float's limits). */
    @Override
    public void roundTrip(float[] src, int srcOff, float[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) dst[dstOff + i] = Float.float16ToFloat(Float.floatToFloat16(src[srcOff + i]));
    }

    @Override
    public void dequantize(MemorySegment src, long srcOffset, float[] dst, int dstOffset, int n) {
        MemorySegment.copy(src, FLOAT_LE, srcOffset, dst, dstOffset, n);
        for (int i = dstOffset; i < dstOffset + n; i++) dst[i] *= 0x1p-16f;
    }

    @Override
    float dotBlock(MemorySegment w, long wOff, MemorySegment a, long aOff) {
        throw new UnsupportedOperationException("F16_WIDE is an activation format, not a weight format");
    }
}

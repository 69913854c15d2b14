package dev.hearth.model;

import dev.hearth.tensor.HalfRows;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float16 accumulator of ggml's flash attention with an F16 V ({@code ggml_vec_mad_f16},
 * {@code ggml_vec_scale_f16}): every update is computed in float and rounded back to float16. The
 * Vector API has no float16 lanes, so the rounding is done on the float bits: to 10 mantissa bits,
 * nearest-even, in float16's normal range; to a multiple of 2⁻²⁴ below it (float16's subnormals);
 * ±infinity above 65504. The same values as {@code Float.float16ToFloat(Float.floatToFloat16(x))}
 * (checked lane by lane in HalfAccumulatorTest), about ten times faster than that scalar round trip.
 */
final class HalfAccumulator {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Short> HS = VectorSpecies.of(short.class, VectorShape.forBitSize(S.vectorBitSize() / 2));
    private static final VectorSpecies<Integer> IS = VectorSpecies.of(int.class, S.vectorShape());
    private static final float MIN_NORMAL = 0x1p-14f, MAX = 65504f;
    private static final float SUBNORMAL_GRID = 0.75f; // x + 0.75 − 0.75 rounds |x| < 0.25 to a multiple of 2⁻²⁴ (ulp of [0.5, 1))

    private HalfAccumulator() {}

    /** y[i] = f16(fma(x[xOff + i], a, y[i])) for i < n. */
    static void fma(float a, float[] x, int xOff, float[] y, int n) {
        FloatVector av = FloatVector.broadcast(S, a);
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += S.length())
            round(FloatVector.fromArray(S, x, xOff + i).fma(av, FloatVector.fromArray(S, y, i))).intoArray(y, i);
        for (; i < n; i++) y[i] = Float.float16ToFloat(Float.floatToFloat16(Math.fma(x[xOff + i], a, y[i])));
    }

    /**
     * {@link #fma(float, float[], int, float[], int)} with x a finite row of float16 bits at {@code xOff}
     * (the F16 V cache) and {@code a} times {@link HalfRows#SCALE}: the same results bit for bit (see
     * HalfRows). The rounding of {@link #round} is spelled out here: no vector passes through a call.
     */
    static void fma(float a, MemorySegment x, long xOff, float[] y, int n) {
        FloatVector av = FloatVector.broadcast(S, a);
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += S.length()) {
            IntVector h = (IntVector) ShortVector.fromMemorySegment(HS, x, xOff + 2L * i, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.S2I, IS, 0);
            FloatVector v = h.lanewise(VectorOperators.LSHL, 13).and(HalfRows.MASK).reinterpretAsFloats().fma(av, FloatVector.fromArray(S, y, i));
            IntVector bits = v.reinterpretAsInts();
            IntVector lsb = bits.lanewise(VectorOperators.LSHR, 13).and(1);
            FloatVector normal = bits.add(0x0FFF).add(lsb).and(~0x1FFF).reinterpretAsFloats();
            FloatVector abs = v.abs();
            VectorMask<Float> tiny = abs.lt(MIN_NORMAL);
            VectorMask<Float> huge = normal.abs().compare(VectorOperators.GT, MAX);
            FloatVector r = normal.blend(v.add(SUBNORMAL_GRID).sub(SUBNORMAL_GRID), tiny);
            r.blend(v.mul(Float.POSITIVE_INFINITY), huge.andNot(abs.test(VectorOperators.IS_NAN))).intoArray(y, i);
        }
        for (; i < n; i++) y[i] = Float.float16ToFloat(Float.floatToFloat16(Math.fma(HalfRows.scaledDown(x, xOff + 2L * i), a, y[i])));
    }

    /**
     * For positions p = 0 .. count-1 in order: y ← f16(y · w[msOff + p]) unless that factor is 1, then
     * y ← f16(fma(x_p, w[vsOff + p], y)) with x_p the finite row of float16 bits at {@code xOff + p·stride} and
     * the weight times {@link HalfRows#SCALE}: the same as {@link #scale} then {@link #fma(float, MemorySegment, long, float[], int)}
     * per position, bit for bit, with y's {@code n} values (a multiple of 64) kept in registers across the positions.
     * The rounding takes the integer shortcut while all lanes are normal float16 values (|y| in [2⁻¹⁴, 65520)),
     * else {@link #round}.
     */
    static void run(float[] w, int msOff, int vsOff, int count, MemorySegment x, long xOff, long stride, float[] y, int n) {
        int L = S.length();
        for (int d = 0; d < n; d += 4 * L) {
            FloatVector y0 = FloatVector.fromArray(S, y, d), y1 = FloatVector.fromArray(S, y, d + L);
            FloatVector y2 = FloatVector.fromArray(S, y, d + 2 * L), y3 = FloatVector.fromArray(S, y, d + 3 * L);
            for (int p = 0; p < count; p++) {
                float m = w[msOff + p];
                if (m != 1f) { // rare: a new running max. Through the array: a vector returned by a call C2 does not inline would be boxed on every path
                    y0.intoArray(y, d); y1.intoArray(y, d + L); y2.intoArray(y, d + 2 * L); y3.intoArray(y, d + 3 * L);
                    scale(y, d, m, 4 * L);
                    y0 = FloatVector.fromArray(S, y, d); y1 = FloatVector.fromArray(S, y, d + L);
                    y2 = FloatVector.fromArray(S, y, d + 2 * L); y3 = FloatVector.fromArray(S, y, d + 3 * L);
                }
                long o = xOff + p * stride + 2L * d;
                FloatVector a = FloatVector.broadcast(S, w[vsOff + p]);
                // the four fused multiply-adds (the halves widened by HalfRows' shortcut), each rounded to float16 by the
                // integer shortcut, spelled out: C2 boxes a vector passed to a call it does not inline
                FloatVector v0 = ((IntVector) ShortVector.fromMemorySegment(HS, x, o, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.S2I, IS, 0))
                        .lanewise(VectorOperators.LSHL, 13).and(HalfRows.MASK).reinterpretAsFloats().fma(a, y0);
                FloatVector v1 = ((IntVector) ShortVector.fromMemorySegment(HS, x, o + 2L * L, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.S2I, IS, 0))
                        .lanewise(VectorOperators.LSHL, 13).and(HalfRows.MASK).reinterpretAsFloats().fma(a, y1);
                FloatVector v2 = ((IntVector) ShortVector.fromMemorySegment(HS, x, o + 4L * L, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.S2I, IS, 0))
                        .lanewise(VectorOperators.LSHL, 13).and(HalfRows.MASK).reinterpretAsFloats().fma(a, y2);
                FloatVector v3 = ((IntVector) ShortVector.fromMemorySegment(HS, x, o + 6L * L, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.S2I, IS, 0))
                        .lanewise(VectorOperators.LSHL, 13).and(HalfRows.MASK).reinterpretAsFloats().fma(a, y3);
                IntVector b0 = v0.reinterpretAsInts(), b1 = v1.reinterpretAsInts(), b2 = v2.reinterpretAsInts(), b3 = v3.reinterpretAsInts();
                // every lane a normal float16 value once rounded: 2⁻¹⁴ ≤ |v| < 65520, i.e. 0x38800000 ≤ |bits| < 0x477FF000
                VectorMask<Integer> normal = b0.and(0x7FFFFFFF).sub(0x38800000).compare(VectorOperators.ULT, 0x477FF000 - 0x38800000)
                        .and(b1.and(0x7FFFFFFF).sub(0x38800000).compare(VectorOperators.ULT, 0x477FF000 - 0x38800000))
                        .and(b2.and(0x7FFFFFFF).sub(0x38800000).compare(VectorOperators.ULT, 0x477FF000 - 0x38800000))
                        .and(b3.and(0x7FFFFFFF).sub(0x38800000).compare(VectorOperators.ULT, 0x477FF000 - 0x38800000));
                if (normal.allTrue()) {
                    y0 = b0.add(0x0FFF).add(b0.lanewise(VectorOperators.LSHR, 13).and(1)).and(~0x1FFF).reinterpretAsFloats();
                    y1 = b1.add(0x0FFF).add(b1.lanewise(VectorOperators.LSHR, 13).and(1)).and(~0x1FFF).reinterpretAsFloats();
                    y2 = b2.add(0x0FFF).add(b2.lanewise(VectorOperators.LSHR, 13).and(1)).and(~0x1FFF).reinterpretAsFloats();
                    y3 = b3.add(0x0FFF).add(b3.lanewise(VectorOperators.LSHR, 13).and(1)).and(~0x1FFF).reinterpretAsFloats();
                } else { // rare: a lane below float16's normals or past its largest value (through the array, as above)
                    v0.intoArray(y, d); v1.intoArray(y, d + L); v2.intoArray(y, d + 2 * L); v3.intoArray(y, d + 3 * L);
                    scale(y, d, 1f, 4 * L);
                    y0 = FloatVector.fromArray(S, y, d); y1 = FloatVector.fromArray(S, y, d + L);
                    y2 = FloatVector.fromArray(S, y, d + 2 * L); y3 = FloatVector.fromArray(S, y, d + 3 * L);
                }
            }
            y0.intoArray(y, d); y1.intoArray(y, d + L); y2.intoArray(y, d + 2 * L); y3.intoArray(y, d + 3 * L);
        }
    }

    /** y[i] = f16(y[i] · a) for i < n. */
    static void scale(float[] y, float a, int n) {
        scale(y, 0, a, n);
    }

    /** y[off + i] = f16(y[off + i] · a) for i < n (with a = 1: rounded to float16). */
    static void scale(float[] y, int off, float a, int n) {
        scale(y, off, a, n, 1f);
    }

    /**
     * y[off + i] = f16(y[off + i] · a) · times for i < n, {@code times} a power of two that keeps the values finite and
     * normal (exact: the attention's weights in [0, 1] times HalfRows.SCALE, ready for HalfRows' shortcut).
     */
    static void scale(float[] y, int off, float a, int n, float times) {
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += S.length())
            round(FloatVector.fromArray(S, y, off + i).mul(a)).mul(times).intoArray(y, off + i);
        for (; i < n; i++) y[off + i] = Float.float16ToFloat(Float.floatToFloat16(y[off + i] * a)) * times;
    }

    /** Each lane rounded to the nearest float16 (ties to even), as a float. */
    static FloatVector round(FloatVector x) {
        IntVector bits = x.reinterpretAsInts();
        IntVector lsb = bits.lanewise(VectorOperators.LSHR, 13).and(1);
        FloatVector normal = bits.add(0x0FFF).add(lsb).and(~0x1FFF).reinterpretAsFloats();
        FloatVector abs = x.abs();
        VectorMask<Float> tiny = abs.lt(MIN_NORMAL);
        VectorMask<Float> huge = normal.abs().compare(VectorOperators.GT, MAX);
        FloatVector r = normal.blend(x.add(SUBNORMAL_GRID).sub(SUBNORMAL_GRID), tiny);
        return r.blend(x.mul(Float.POSITIVE_INFINITY), huge.andNot(abs.test(VectorOperators.IS_NAN)));
    }
}

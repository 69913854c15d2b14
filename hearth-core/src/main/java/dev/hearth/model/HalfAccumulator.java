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
        for (int upper = S.loopBound(n); i < upper; i += S.length()) {
            // round's operations spelled out, as in every loop here: a helper that C2 has already compiled on its own
            // is not inlined ("already compiled into a medium method"), and the vector passed to it is then boxed
            FloatVector v = FloatVector.fromArray(S, x, xOff + i).fma(av, FloatVector.fromArray(S, y, i));
            IntVector bits = (IntVector) v.reinterpretShape(IS, 0);
            IntVector lsb = bits.lanewise(VectorOperators.LSHR, 13).and(1);
            FloatVector normal = bits.add(0x0FFF).add(lsb).and(~0x1FFF).reinterpretAsFloats();
            FloatVector abs = v.abs();
            VectorMask<Float> tiny = abs.lt(MIN_NORMAL);
            VectorMask<Float> huge = normal.abs().compare(VectorOperators.GT, MAX);
            FloatVector r = normal.blend(v.add(SUBNORMAL_GRID).sub(SUBNORMAL_GRID), tiny);
            r.blend(v.mul(Float.POSITIVE_INFINITY), huge.andNot(abs.test(VectorOperators.IS_NAN))).intoArray(y, i);
        }
        for (; i < n; i++) y[i] = Float.float16ToFloat(Float.floatToFloat16(Math.fma(x[xOff + i], a, y[i])));
    }

    /**
     * {@link #fma(float, float[], int, float[], int)} with x a finite row of float16 bits at {@code xOff}
     * (the F16 V cache) and {@code a} times {@link HalfRows#SCALE}: the same results bit for bit (see
     * HalfRows). The rounding is spelled out here as in every loop of this class: no vector passes through a call.
     */
    static void fma(float a, MemorySegment x, long xOff, float[] y, int n) {
        fma(a, x, xOff, y, 0, n);
    }

    /** {@link #fma(float, MemorySegment, long, float[], int)} into {@code y[yOff ..]}. */
    static void fma(float a, MemorySegment x, long xOff, float[] y, int yOff, int n) {
        FloatVector av = FloatVector.broadcast(S, a);
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += S.length()) {
            IntVector h = (IntVector) ShortVector.fromMemorySegment(HS, x, xOff + 2L * i, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.S2I, IS, 0);
            FloatVector v = h.lanewise(VectorOperators.LSHL, 13).and(HalfRows.MASK).reinterpretAsFloats().fma(av, FloatVector.fromArray(S, y, yOff + i));
            IntVector bits = (IntVector) v.reinterpretShape(IS, 0);
            IntVector lsb = bits.lanewise(VectorOperators.LSHR, 13).and(1);
            FloatVector normal = bits.add(0x0FFF).add(lsb).and(~0x1FFF).reinterpretAsFloats();
            FloatVector abs = v.abs();
            VectorMask<Float> tiny = abs.lt(MIN_NORMAL);
            VectorMask<Float> huge = normal.abs().compare(VectorOperators.GT, MAX);
            FloatVector r = normal.blend(v.add(SUBNORMAL_GRID).sub(SUBNORMAL_GRID), tiny);
            r.blend(v.mul(Float.POSITIVE_INFINITY), huge.andNot(abs.test(VectorOperators.IS_NAN))).intoArray(y, yOff + i);
        }
        for (; i < n; i++) y[yOff + i] = Float.float16ToFloat(Float.floatToFloat16(Math.fma(HalfRows.scaledDown(x, xOff + 2L * i), a, y[yOff + i])));
    }

    /**
     * For positions p = 0 .. count-1 in order: y ← f16(y · w[msOff + p]) unless that factor is 1, then
     * y ← f16(fma(x_p, w[vsOff + p], y)) with x_p the finite row of float16 bits at {@code xOff + p·stride} and
     * the weight times {@link HalfRows#SCALE}: the same as {@link #scale} then {@link #fma(float, MemorySegment, long, float[], int)}
     * per position, bit for bit, {@code n} a multiple of 64. {@link #runCommon} takes the positions in the common case;
     * a position with a new running max, or one that takes a lane out of float16's normal range, goes through
     * scale and fma as written.
     */
    static void run(float[] w, int msOff, int vsOff, int count, MemorySegment x, long xOff, long stride, float[] y, int n) {
        for (int d = 0; d < n; d += 4 * S.length())
            for (int p = runCommon(w, msOff, vsOff, 0, count, x, xOff + 2L * d, stride, y, d); p < count;
                 p = runCommon(w, msOff, vsOff, p + 1, count, x, xOff + 2L * d, stride, y, d)) {
                if (w[msOff + p] != 1f) scale(y, d, w[msOff + p], 4 * S.length());
                fma(w[vsOff + p], x, xOff + p * stride + 2L * d, y, d, 4 * S.length());
            }
    }

    /**
     * {@link #run}'s common case for four vectors of y at {@code y[d ..]}, kept in registers from position {@code p} on:
     * while a position's rescale factor is 1 and its multiply-adds leave every lane a normal float16 value (|y| in
     * [2⁻¹⁴, 65520)), y ← f16(fma(x_p, w[vsOff + p], y)) with float16's rounding done on the bits. Returns the first
     * position it did not take (y as before that position), or {@code count}.
     *
     * <p>Kept this small on purpose: C2 compiles a vector kernel well only if it can inline and intrinsify every vector
     * operation in it, and stops inlining past LiveNodeCountInliningCutoff (40,000 live nodes); an operation left as a
     * call runs the Vector API's Java fallback, which allocates. With the rare paths inside the same loop (storing,
     * rescaling and reloading the registers) the loop came to ~69,000 parsed and 44,000 live nodes, and in one of three
     * runs of the 8K bench the -fa 1 generation test fell to half speed, young GCs every 7 ms (JFR's allocation samples:
     * int arrays from IntVector.add and lanewise in that loop).
     */
    private static int runCommon(float[] w, int msOff, int vsOff, int p, int count, MemorySegment x, long xOff, long stride, float[] y, int d) {
        int L = S.length();
        FloatVector y0 = FloatVector.fromArray(S, y, d), y1 = FloatVector.fromArray(S, y, d + L);
        FloatVector y2 = FloatVector.fromArray(S, y, d + 2 * L), y3 = FloatVector.fromArray(S, y, d + 3 * L);
        for (; p < count && w[msOff + p] == 1f; p++) {
            long o = xOff + p * stride;
            FloatVector a = FloatVector.broadcast(S, w[vsOff + p]);
            // the four fused multiply-adds (the halves widened by HalfRows' shortcut), spelled out: C2 boxes a vector
            // passed to a call it does not inline
            IntVector b0 = (IntVector) ((IntVector) ShortVector.fromMemorySegment(HS, x, o, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.S2I, IS, 0))
                    .lanewise(VectorOperators.LSHL, 13).and(HalfRows.MASK).reinterpretAsFloats().fma(a, y0).reinterpretShape(IS, 0);
            IntVector b1 = (IntVector) ((IntVector) ShortVector.fromMemorySegment(HS, x, o + 2L * L, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.S2I, IS, 0))
                    .lanewise(VectorOperators.LSHL, 13).and(HalfRows.MASK).reinterpretAsFloats().fma(a, y1).reinterpretShape(IS, 0);
            IntVector b2 = (IntVector) ((IntVector) ShortVector.fromMemorySegment(HS, x, o + 4L * L, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.S2I, IS, 0))
                    .lanewise(VectorOperators.LSHL, 13).and(HalfRows.MASK).reinterpretAsFloats().fma(a, y2).reinterpretShape(IS, 0);
            IntVector b3 = (IntVector) ((IntVector) ShortVector.fromMemorySegment(HS, x, o + 6L * L, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.S2I, IS, 0))
                    .lanewise(VectorOperators.LSHL, 13).and(HalfRows.MASK).reinterpretAsFloats().fma(a, y3).reinterpretShape(IS, 0);
            // every lane a normal float16 value once rounded: 2⁻¹⁴ ≤ |v| < 65520, i.e. 0x38800000 ≤ |bits| < 0x477FF000
            VectorMask<Integer> normal = b0.and(0x7FFFFFFF).sub(0x38800000).compare(VectorOperators.ULT, 0x477FF000 - 0x38800000)
                    .and(b1.and(0x7FFFFFFF).sub(0x38800000).compare(VectorOperators.ULT, 0x477FF000 - 0x38800000))
                    .and(b2.and(0x7FFFFFFF).sub(0x38800000).compare(VectorOperators.ULT, 0x477FF000 - 0x38800000))
                    .and(b3.and(0x7FFFFFFF).sub(0x38800000).compare(VectorOperators.ULT, 0x477FF000 - 0x38800000));
            if (!normal.allTrue()) break;
            // rounded to float16 on the bits: to nearest, ties to even, at bit 13
            y0 = b0.add(0x0FFF).add(b0.lanewise(VectorOperators.LSHR, 13).and(1)).and(~0x1FFF).reinterpretAsFloats();
            y1 = b1.add(0x0FFF).add(b1.lanewise(VectorOperators.LSHR, 13).and(1)).and(~0x1FFF).reinterpretAsFloats();
            y2 = b2.add(0x0FFF).add(b2.lanewise(VectorOperators.LSHR, 13).and(1)).and(~0x1FFF).reinterpretAsFloats();
            y3 = b3.add(0x0FFF).add(b3.lanewise(VectorOperators.LSHR, 13).and(1)).and(~0x1FFF).reinterpretAsFloats();
        }
        y0.intoArray(y, d); y1.intoArray(y, d + L); y2.intoArray(y, d + 2 * L); y3.intoArray(y, d + 3 * L);
        return p;
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
        for (int upper = S.loopBound(n); i < upper; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, y, off + i).mul(a); // rounded as in fma above, round's operations spelled out
            IntVector bits = (IntVector) v.reinterpretShape(IS, 0);
            IntVector lsb = bits.lanewise(VectorOperators.LSHR, 13).and(1);
            FloatVector normal = bits.add(0x0FFF).add(lsb).and(~0x1FFF).reinterpretAsFloats();
            FloatVector abs = v.abs();
            VectorMask<Float> tiny = abs.lt(MIN_NORMAL);
            VectorMask<Float> huge = normal.abs().compare(VectorOperators.GT, MAX);
            FloatVector r = normal.blend(v.add(SUBNORMAL_GRID).sub(SUBNORMAL_GRID), tiny);
            r.blend(v.mul(Float.POSITIVE_INFINITY), huge.andNot(abs.test(VectorOperators.IS_NAN))).mul(times).intoArray(y, off + i);
        }
        for (; i < n; i++) y[off + i] = Float.float16ToFloat(Float.floatToFloat16(y[off + i] * a)) * times;
    }
}

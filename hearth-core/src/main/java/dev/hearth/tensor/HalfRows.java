package dev.hearth.tensor;

import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.S2I;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float kernels over rows kept as IEEE binary16 bits (2 bytes per value, little-endian, as ggml's
 * {@code ggml_fp16_t}): the F16 KV cache. Each kernel gives, bit for bit, what the {@link FloatOps}
 * kernel of the same name gives on the row widened to floats: the same lanes, the same operation order,
 * the same reduction.
 *
 * <p>The widening is cheap because it is not done: a finite half's 15 exponent and mantissa bits moved up
 * 13 places, with its sign in the float's sign bit, are the float {@code h · 2⁻¹¹²} (the exponents' biases
 * are 15 and 127; a half subnormal m·2⁻²⁴ lands on the float subnormal m·2⁻¹³⁶, still exact). So a kernel
 * takes its other operand already multiplied by {@link #SCALE} = 2¹¹² (exact: a power of two, and for the
 * operands the attention kernels pass, float16-rounded queries or softmax weights in [0, 1], far from
 * float overflow), and each product {@code (h·2⁻¹¹²)·(a·2¹¹²)} is the same real number as {@code h·a},
 * so a multiply or a fused multiply-add rounds it to the same float. Only ±infinity and NaN halves
 * (exponent 31) do not survive this; the cache records whether it ever stored one and then takes an
 * exact widening instead ({@link #widen}).
 */
public final class HalfRows {
    /** What the other operand of {@link #dot} and {@link #axpy} must be multiplied by: 2¹¹² = 2^(127 − 15). */
    public static final float SCALE = 0x1p112f;

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED; // FloatOps's lanes
    private static final VectorSpecies<Short> H = VectorSpecies.of(short.class, VectorShape.forBitSize(F.vectorBitSize() / 2));
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    private static final VectorSpecies<Short> H16 = ShortVector.SPECIES_256; // 16 halves, widened to 16 float lanes
    private static final VectorSpecies<Integer> I16 = IntVector.SPECIES_512;
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    /** One half in a row. */
    public static final ValueLayout.OfShort HALF = ValueLayout.JAVA_SHORT.withOrder(ORDER);
    /** The sign (where the sign extension put it) and the exponent and mantissa, after the shift by 13: what the attention kernels that widen halves in their own loops mask with. */
    public static final int MASK = 0x8FFFE000;

    private HalfRows() {}

    /** The finite half at {@code off} as its value times 2⁻¹¹² (see the class note). */
    public static float scaledDown(MemorySegment h, long off) {
        return Float.intBitsToFloat((h.get(HALF, off) << 13) & MASK);
    }

    /** Whether a half's bits are ±infinity or NaN (exponent all ones, IEEE 754 binary16). */
    public static boolean nonFinite(short h) {
        return (h & 0x7c00) == 0x7c00;
    }

    /**
     * {@code FloatOps.dot(a / SCALE, widened row)} for a finite row: Σ a[aOff + i]·h[i] over the halves at
     * {@code hOff}, where {@code a} holds the other operand times {@link #SCALE}.
     */
    public static float dot(float[] a, int aOff, MemorySegment h, long hOff, int n) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += F.length()) {
            IntVector x = (IntVector) ShortVector.fromMemorySegment(H, h, hOff + 2L * i, ORDER).convertShape(S2I, I, 0);
            acc = FloatVector.fromArray(F, a, aOff + i).fma(x.lanewise(LSHL, 13).and(MASK).reinterpretAsFloats(), acc);
        }
        // LaneSum.of(acc), spelled out so that no vector is passed to a call
        float s;
        if (F.length() == 16) {
            acc = acc.add(acc.rearrange(LaneSum.HALF8));
            acc = acc.add(acc.rearrange(LaneSum.HALF4));
            acc = acc.add(acc.rearrange(LaneSum.HALF2));
            s = acc.lane(0) + acc.lane(1);
        } else {
            s = 0;
            for (int l = 0; l < F.length(); l++) s += acc.lane(l);
        }
        for (; i < n; i++) s += a[aOff + i] * scaledDown(h, hOff + 2L * i);
        return s;
    }

    /**
     * {@code FloatOps.dotSteps(a / SCALE, widened row)} for a finite row ({@code n} a multiple of 64): ggml_vec_dot_f16's
     * order on an AVX-512 machine without float16 arithmetic, {@code a} times {@link #SCALE}.
     */
    public static float dotSteps(float[] a, int aOff, MemorySegment h, long hOff, int n) {
        VectorSpecies<Float> F = FloatVector.SPECIES_512;
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
        for (int i = 0; i < n; i += 64) {
            long o = hOff + 2L * i;
            s0 = FloatVector.fromArray(F, a, aOff + i).fma(((IntVector) ShortVector.fromMemorySegment(H16, h, o, ORDER).convertShape(S2I, I16, 0))
                    .lanewise(LSHL, 13).and(MASK).reinterpretAsFloats(), s0);
            s1 = FloatVector.fromArray(F, a, aOff + i + 16).fma(((IntVector) ShortVector.fromMemorySegment(H16, h, o + 32, ORDER).convertShape(S2I, I16, 0))
                    .lanewise(LSHL, 13).and(MASK).reinterpretAsFloats(), s1);
            s2 = FloatVector.fromArray(F, a, aOff + i + 32).fma(((IntVector) ShortVector.fromMemorySegment(H16, h, o + 64, ORDER).convertShape(S2I, I16, 0))
                    .lanewise(LSHL, 13).and(MASK).reinterpretAsFloats(), s2);
            s3 = FloatVector.fromArray(F, a, aOff + i + 48).fma(((IntVector) ShortVector.fromMemorySegment(H16, h, o + 96, ORDER).convertShape(S2I, I16, 0))
                    .lanewise(LSHL, 13).and(MASK).reinterpretAsFloats(), s3);
        }
        FloatVector acc = s0.add(s2).add(s1.add(s3)); // GGML_F16_VEC_REDUCE: (0 + 2), (1 + 3), then the two
        acc = acc.add(acc.rearrange(LaneSum.HALF8));
        acc = acc.add(acc.rearrange(LaneSum.HALF4));
        acc = acc.add(acc.rearrange(LaneSum.HALF2));
        return acc.lane(0) + acc.lane(1);
    }

    /**
     * {@link #dotSteps} of four operands ({@code a0 .. a3}, each times {@link #SCALE}) with each of {@code count} &le; 16
     * finite rows at {@code hOff + r·stride}, {@code n} a multiple of 64: operand i's dot with row r goes to
     * {@code dst[dOff + 16i + r]} (the 16 - count slots after a short block's rows get zeros). Each row is widened
     * once for the four operands, and the sixteen rows' lane trees of an operand are summed together by
     * {@link LaneSum#ofEach} (the tree dotSteps runs on each): the same floats as dotSteps, bit for bit.
     * {@code lanes} holds 1024 floats of scratch.
     */
    public static void dotSteps4(float[] a0, float[] a1, float[] a2, float[] a3, MemorySegment h, long hOff, long stride, int count, int n,
                                 float[] lanes, float[] dst, int dOff) {
        VectorSpecies<Float> F = FloatVector.SPECIES_512;
        for (int r = 0; r < 16; r++) {
            FloatVector x0 = FloatVector.zero(F), x1 = x0, x2 = x0, x3 = x0;
            if (r < count) {
                FloatVector s00 = x0, s01 = x0, s02 = x0, s03 = x0, s10 = x0, s11 = x0, s12 = x0, s13 = x0;
                FloatVector s20 = x0, s21 = x0, s22 = x0, s23 = x0, s30 = x0, s31 = x0, s32 = x0, s33 = x0;
                long row = hOff + r * stride;
                for (int i = 0; i < n; i += 64) {
                    long o = row + 2L * i;
                    FloatVector k0 = ((IntVector) ShortVector.fromMemorySegment(H16, h, o, ORDER).convertShape(S2I, I16, 0)).lanewise(LSHL, 13).and(MASK).reinterpretAsFloats();
                    FloatVector k1 = ((IntVector) ShortVector.fromMemorySegment(H16, h, o + 32, ORDER).convertShape(S2I, I16, 0)).lanewise(LSHL, 13).and(MASK).reinterpretAsFloats();
                    FloatVector k2 = ((IntVector) ShortVector.fromMemorySegment(H16, h, o + 64, ORDER).convertShape(S2I, I16, 0)).lanewise(LSHL, 13).and(MASK).reinterpretAsFloats();
                    FloatVector k3 = ((IntVector) ShortVector.fromMemorySegment(H16, h, o + 96, ORDER).convertShape(S2I, I16, 0)).lanewise(LSHL, 13).and(MASK).reinterpretAsFloats();
                    s00 = FloatVector.fromArray(F, a0, i).fma(k0, s00); s01 = FloatVector.fromArray(F, a0, i + 16).fma(k1, s01);
                    s02 = FloatVector.fromArray(F, a0, i + 32).fma(k2, s02); s03 = FloatVector.fromArray(F, a0, i + 48).fma(k3, s03);
                    s10 = FloatVector.fromArray(F, a1, i).fma(k0, s10); s11 = FloatVector.fromArray(F, a1, i + 16).fma(k1, s11);
                    s12 = FloatVector.fromArray(F, a1, i + 32).fma(k2, s12); s13 = FloatVector.fromArray(F, a1, i + 48).fma(k3, s13);
                    s20 = FloatVector.fromArray(F, a2, i).fma(k0, s20); s21 = FloatVector.fromArray(F, a2, i + 16).fma(k1, s21);
                    s22 = FloatVector.fromArray(F, a2, i + 32).fma(k2, s22); s23 = FloatVector.fromArray(F, a2, i + 48).fma(k3, s23);
                    s30 = FloatVector.fromArray(F, a3, i).fma(k0, s30); s31 = FloatVector.fromArray(F, a3, i + 16).fma(k1, s31);
                    s32 = FloatVector.fromArray(F, a3, i + 32).fma(k2, s32); s33 = FloatVector.fromArray(F, a3, i + 48).fma(k3, s33);
                }
                // GGML_F16_VEC_REDUCE's first steps, as in dotSteps: (0 + 2) + (1 + 3)
                x0 = s00.add(s02).add(s01.add(s03));
                x1 = s10.add(s12).add(s11.add(s13));
                x2 = s20.add(s22).add(s21.add(s23));
                x3 = s30.add(s32).add(s31.add(s33));
            }
            x0.intoArray(lanes, 16 * r); x1.intoArray(lanes, 256 + 16 * r);
            x2.intoArray(lanes, 512 + 16 * r); x3.intoArray(lanes, 768 + 16 * r);
        }
        for (int i = 0; i < 4; i++) LaneSum.ofEach(lanes, 256 * i, dst, dOff + 16 * i);
    }

    /** {@code FloatOps.axpy(a / SCALE, widened row, y)} for a finite row: y[yOff + i] += a·h[i], {@code a} times {@link #SCALE}. */
    public static void axpy(float a, MemorySegment h, long hOff, float[] y, int yOff, int n) {
        FloatVector av = FloatVector.broadcast(F, a);
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += F.length()) {
            IntVector x = (IntVector) ShortVector.fromMemorySegment(H, h, hOff + 2L * i, ORDER).convertShape(S2I, I, 0);
            x.lanewise(LSHL, 13).and(MASK).reinterpretAsFloats().fma(av, FloatVector.fromArray(F, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) y[yOff + i] += a * scaledDown(h, hOff + 2L * i);
    }

    /**
     * The finite halves at {@code hOff} as the floats {@link #dot} and {@link #axpy} multiply with (each value
     * times 2⁻¹¹²), into {@code dst}: several queries can then read a tile of the cache widened once, multiplying
     * it with their operands times {@link #SCALE} as {@link #dot} and {@link #axpy} would.
     */
    public static void widenScaled(MemorySegment h, long hOff, float[] dst, int dstOff, int n) {
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += F.length()) {
            IntVector x = (IntVector) ShortVector.fromMemorySegment(H, h, hOff + 2L * i, ORDER).convertShape(S2I, I, 0);
            x.lanewise(LSHL, 13).and(MASK).reinterpretAsFloats().intoArray(dst, dstOff + i);
        }
        for (; i < n; i++) dst[dstOff + i] = scaledDown(h, hOff + 2L * i);
    }

    /** The halves at {@code hOff} as floats, exactly (±infinity, NaN and subnormals included), into {@code dst}. */
    public static void widen(MemorySegment h, long hOff, float[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) dst[dstOff + i] = Float.float16ToFloat(h.get(HALF, hOff + 2L * i));
    }

    /**
     * Rounds {@code x[off ..]} to float16 (round to nearest even, overflow to infinity: ggml's
     * {@code GGML_FP32_TO_FP16}, F16C's conversion) and stores the bits at {@code hOff}; returns whether
     * any of them is ±infinity or NaN.
     */
    public static boolean store(float[] x, int off, MemorySegment h, long hOff, int n) {
        boolean nonFinite = false;
        for (int i = 0; i < n; i++) {
            short b = Float.floatToFloat16(x[off + i]);
            h.set(HALF, hOff + 2L * i, b);
            nonFinite |= nonFinite(b);
        }
        return nonFinite;
    }
}

package dev.hearth.tensor;

import static dev.hearth.tensor.Blocks.*;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q8_0_NIBBLE: Hearth's run-time encoding of the activations that Q4_0 weights multiply with — the
 * numbers of llama.cpp's x86 run-time Q8_0 quantizer ({@link CpuActivationQuant}), as floats scaled
 * for the dot's way of decoding nibbles ({@code Q4_0Ops.Vectorized}). For a block with integers q[32]
 * and scale d (the fp16 scale, widened exactly):
 * <ul>
 * <li>{@code A1[i] = 2^15·q[i]}, {@code A2[i] = 2^11·(q[16+i] - 16·q[i])},
 *     {@code C[i] = -8·q[i] - 2056·q[16+i]} for i &lt; 16 (16 floats each; all exact integers), and
 * <li>{@code d·2^112} (exact: |d| ≤ 65504), the rebias the dot's cheap widening of the weights'
 *     fp16 scales leaves out.
 * </ul>
 * The dot reads a weight byte b = l + 16·h (nibbles l, h) as the float W = 1 + b·2^-15 (the byte put
 * into the mantissa of 1.0 by the permute that spreads the bytes over the lanes) and W with its low
 * nibble masked off, H = 1 + h·2^-11; then {@code H·A2 + (W·A1 + C)}, two FMAs, is
 * {@code (2^11 + h)·(q' - 16q) + (2^15 + l + 16h)·q - 8q - 2056q' = (l-8)·q + (h-8)·q'}
 * (q = q[i], q' = q[16+i]) exactly: every partial sum is an integer below 2^24. The same integer per
 * lane as the integer dot.
 *
 * <p>Layout: 256 bytes per block (vector loads stay within cache lines): A1, A2, C (64 bytes each),
 * then four floats: this block's {@code d·2^112} and those of the next three blocks of the row (0 past
 * its end), so that the dot reads four blocks' scales with one load; then 48 zero bytes. A block never depends on the blocks before it, so a slice
 * of an encoded row that starts at a block boundary is the encoding of that part of the row.
 */
final class Q8_0NibbleOps extends BlockOps implements ActivationRoundTrip {
    static final int QK = 32;
    static final int BLOCK = 256;
    /** Offset in a block of its {@code d·2^112} (the next blocks' follow). */
    static final int SCALES = 192;

    Q8_0NibbleOps() {
        super(GgmlType.Q8_0_NIBBLE, GgmlType.Q8_0_NIBBLE);
    }

    @Override
    public void quantize(float[] x, int xOff, MemorySegment dst, long dstOffset, int n) {
        checkLength(GgmlType.Q8_0_NIBBLE, n);
        CpuActivationQuant.q8_0Nibble(x, xOff, dst, dstOffset, n);
    }

    @Override
    public void roundTrip(float[] x, int xOff, float[] dst, int dstOff, int n) {
        checkLength(GgmlType.Q8_0_NIBBLE, n);
        CpuActivationQuant.q8_0RoundTrip(x, xOff, dst, dstOff, n);
    }

    /** The values the dot multiplies with: q·d, as Q8_0_WIDE decodes them. */
    @Override
    public void dequantize(MemorySegment src, long srcOffset, float[] dst, int dstOffset, int n) {
        checkLength(GgmlType.Q8_0_NIBBLE, n);
        for (int b = 0; b < n / QK; b++) {
            long off = srcOffset + (long) BLOCK * b;
            float d = f32(src, off + SCALES) * 0x1p-112f;
            int o = dstOffset + QK * b;
            FloatVector lo = FloatVector.fromMemorySegment(Simd.F512, src, off, Simd.ORDER).mul(1f / 32768);
            lo.mul(d).intoArray(dst, o);
            FloatVector.fromMemorySegment(Simd.F512, src, off + 64, Simd.ORDER).mul(1f / 2048).add(lo.mul(16f)).mul(d).intoArray(dst, o + 16);
        }
    }

    /**
     * The integers and scales the encoding was made from ({@link Q4_0Gemm}'s input): q[i] = A1/2^15 and
     * q[16+i] = A2/2^11 + 16·q[i] for each of the {@code n/32} blocks, to {@code q[qOffset ..]}, and each block's d
     * (the fp16 scale as a float) to {@code d[dOffset ..]}.
     */
    static void integers(MemorySegment src, long srcOffset, int n, short[] q, int qOffset, float[] d, int dOffset) {
        checkLength(GgmlType.Q8_0_NIBBLE, n);
        for (int b = 0; b < n / QK; b++) {
            long off = srcOffset + (long) BLOCK * b;
            d[dOffset + b] = f32(src, off + SCALES) * 0x1p-112f;
            FloatVector lo = FloatVector.fromMemorySegment(Simd.F512, src, off, Simd.ORDER).mul(1f / 32768);
            FloatVector hi = FloatVector.fromMemorySegment(Simd.F512, src, off + 64, Simd.ORDER).mul(1f / 2048).add(lo.mul(16f));
            int o = qOffset + QK * b;
            ((ShortVector) lo.convertShape(VectorOperators.F2S, Simd.S256, 0)).intoArray(q, o);
            ((ShortVector) hi.convertShape(VectorOperators.F2S, Simd.S256, 0)).intoArray(q, o + 16);
        }
    }

    @Override
    void dequantizeBlock(MemorySegment src, long off, float[] dst, int dstOff) {
        throw new UnsupportedOperationException("Q8_0_NIBBLE blocks are laid out by row");
    }

    @Override
    void quantizeBlock(float[] x, int xOff, MemorySegment dst, long off) {
        throw new UnsupportedOperationException("Q8_0_NIBBLE blocks are laid out by row");
    }

    @Override
    float dotBlock(MemorySegment w, long wOff, MemorySegment a, long aOff) {
        throw new UnsupportedOperationException("Q8_0_NIBBLE is an activation format, not a weight format");
    }
}

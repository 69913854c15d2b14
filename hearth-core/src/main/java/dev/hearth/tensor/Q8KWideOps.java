package dev.hearth.tensor;

import static dev.hearth.tensor.Blocks.*;
import static dev.hearth.tensor.Simd.*;
import static jdk.incubator.vector.VectorOperators.*;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;

/**
 * Q8_K_WIDE: Hearth's own run-time encoding of the activations that Q4_K and Q6_K weights multiply
 * with. The numbers are exactly Q8_K's (same scale d, same int8 values, so every dot is the same
 * integer sum as ggml's), only stored the way the vector kernels want them, which is what lets those
 * kernels keep up with memory:
 * <ul>
 * <li>widened to 16 bits, so the kernels load products' second factor directly (no byte→short
 *     widening per weight row: the activations are encoded once, the weights are many rows);</li>
 * <li>ordered to match how the weights' bit fields fall out of 16-bit lanes. A 256-value block is 8
 *     vectors of 32 shorts; vector {@code 2g+p} (g = 0..3, p = 0..1) holds in lane k the value
 *     {@code 32g + 2k + p} for k &lt; 16 and {@code 128 + 32g + 2(k-16) + p} for k ≥ 16. Reading two
 *     weight bytes as one short lane gives an even (p = 0) and an odd (p = 1) value, and the 4-bit
 *     (Q4_K) or 6-bit (Q6_K) fields of bytes {@code 0..31 | 64..95} and {@code 32..63 | 96..127}
 *     land exactly on these sets;</li>
 * <li>with the block sums the K-quants' offsets need precomputed: Σ of each 32-value sub-block (Q4_K's
 *     mins) and of each 16-value group (Q6_K's −32 offset).</li>
 * </ul>
 * Layout of one 704-byte block (64-byte multiples, so vector loads never straddle cache lines):
 * {@code short q[256]} (the order above) at 0; {@code int sums32[16]} at 512 (8 zeros, then the 8 sums: the Q4_K/Q5_K dots multiply them by the
 * mins where their unpacked scale vector holds them, in lanes 8..15);
 * {@code int sums16[16]} at 576; {@code float d} at 640; padding to 704.
 */
class Q8KWideOps extends BlockOps {
    static final int QK = 256;
    static final int SUMS32 = 512, SUMS16 = 576, D = 640;
    /** A block of zero bytes to copy from: asSlice(..).fill(0) allocates a slice per block where C2 does not inline asSlice. */
    private static final MemorySegment ZEROS = MemorySegment.ofArray(new byte[GgmlType.Q8_K_WIDE.blockBytes]);

    Q8KWideOps() {
        super(GgmlType.Q8_K_WIDE, GgmlType.Q8_K_WIDE);
    }

    /** Index (0..255) among the block's shorts at which value {@code i} is stored. */
    static int position(int i) {
        int h = i / 128, g = (i % 128) / 32, k = (i % 32) / 2, p = i % 2;
        return (2 * g + p) * 32 + 16 * h + k;
    }

    @Override
    void dequantizeBlock(MemorySegment src, long off, float[] dst, int dstOff) {
        float d = f32(src, off + D);
        for (int i = 0; i < QK; i++) dst[dstOff + i] = d * i16(src, off + 2L * position(i));
    }

    /**
     * Q8_K's reference quantizer (quantize_row_q8_K_ref: the value of largest magnitude maps to -127, q = min(127,
     * nearest(x·iscale)), d = 1/iscale), each q stored at its place and added into its sums. Written without scratch
     * arrays: it encodes the output projection's activations once per token ({@link TypeOps#reference}).
     */
    @Override
    void quantizeBlock(float[] x, int xOff, MemorySegment dst, long off) {
        MemorySegment.copy(ZEROS, 0, dst, off, GgmlType.Q8_K_WIDE.blockBytes);
        float iscale = Q8KOps.referenceInverseScale(x, xOff);
        if (iscale == 0) return; // Q8_K's all-zero block: q, sums and d all 0
        for (int i = 0; i < QK; i++) {
            int q = Math.min(127, QuantMath.nearestInt(iscale * x[xOff + i]));
            dst.set(SHORT_LE, off + 2L * position(i), (short) q);
            long s32 = off + SUMS32 + 32 + 4L * (i / 32), s16 = off + SUMS16 + 4L * (i / 16);
            dst.set(INT_LE, s32, dst.get(INT_LE, s32) + q);
            dst.set(INT_LE, s16, dst.get(INT_LE, s16) + q);
        }
        dst.set(FLOAT_LE, off + D, 1 / iscale);
    }

    @Override
    float dotBlock(MemorySegment w, long wOff, MemorySegment a, long aOff) {
        throw new UnsupportedOperationException("Q8_K_WIDE is an activation format, not a weight format");
    }

    /** Vector encode and decode (decode feeds the float GEMM of prompt processing). */
    static final class Vectorized extends Q8KWideOps implements ActivationRoundTrip {
        /** Lane k of vector 2g+p takes lane p+2k of natural vector g (k &lt; 16) or of vector g+4 (k ≥ 16). */
        private static final ShortVector[] TO_WIDE = new ShortVector[2];
        /** The inverse: natural vector g from wide vectors (2g, 2g+1), lower half or upper half (+4). */
        private static final ShortVector FROM_WIDE_LO, FROM_WIDE_HI;

        static {
            for (int p = 0; p < 2; p++) {
                short[] idx = new short[32];
                for (int k = 0; k < 32; k++) idx[k] = (short) (k < 16 ? p + 2 * k : 32 + p + 2 * (k - 16));
                TO_WIDE[p] = ShortVector.fromArray(S512, idx, 0);
            }
            short[] lo = new short[32], hi = new short[32];
            for (int m = 0; m < 32; m++) {
                lo[m] = (short) ((m % 2) * 32 + m / 2);
                hi[m] = (short) ((m % 2) * 32 + 16 + m / 2);
            }
            FROM_WIDE_LO = ShortVector.fromArray(S512, lo, 0);
            FROM_WIDE_HI = ShortVector.fromArray(S512, hi, 0);
        }

        @Override
        public void quantize(float[] x, int xOff, MemorySegment dst, long dstOffset, int n) {
            checkLength(GgmlType.Q8_K_WIDE, n);
            for (int b = 0; b < n / QK; b++) {
                int o = xOff + QK * b;
                long off = dstOffset + (long) GgmlType.Q8_K_WIDE.blockBytes * b;
                float iscale = Q8KOps.Vectorized.inverseScale(x, o);
                if (iscale == 0) {
                    MemorySegment.copy(ZEROS, 0, dst, off, GgmlType.Q8_K_WIDE.blockBytes);
                    continue;
                }
                // values 32g.. (first half of the block) and 128+32g.. (second half) make wide vectors 2g, 2g+1
                for (int g = 0; g < 4; g++) {
                    int c0 = g, c1 = g + 4; // natural 32-value chunks
                    IntVector q00 = nearestInt(FloatVector.fromArray(F512, x, o + 32 * c0).mul(iscale)).min(127);
                    IntVector q01 = nearestInt(FloatVector.fromArray(F512, x, o + 32 * c0 + 16).mul(iscale)).min(127);
                    IntVector q10 = nearestInt(FloatVector.fromArray(F512, x, o + 32 * c1).mul(iscale)).min(127);
                    IntVector q11 = nearestInt(FloatVector.fromArray(F512, x, o + 32 * c1 + 16).mul(iscale)).min(127);
                    // integer sums: any order is exact
                    int s00 = q00.reduceLanes(ADD), s01 = q01.reduceLanes(ADD), s10 = q10.reduceLanes(ADD), s11 = q11.reduceLanes(ADD);
                    dst.set(INT_LE, off + SUMS16 + 8L * c0, s00);
                    dst.set(INT_LE, off + SUMS16 + 8L * c0 + 4, s01);
                    dst.set(INT_LE, off + SUMS16 + 8L * c1, s10);
                    dst.set(INT_LE, off + SUMS16 + 8L * c1 + 4, s11);
                    dst.set(INT_LE, off + SUMS32 + 4L * c0, 0); // lanes 0..7 stay zero
                    dst.set(INT_LE, off + SUMS32 + 4L * c1, 0);
                    dst.set(INT_LE, off + SUMS32 + 32 + 4L * c0, s00 + s01);
                    dst.set(INT_LE, off + SUMS32 + 32 + 4L * c1, s10 + s11);
                    // Simd.narrowToShorts spelled out: this method is past C2's inlining budget, and the helper, not
                    // inlined, made every vector here a heap object (2 MB of garbage a token on a 4096-wide model)
                    ShortVector first = ((ShortVector) q00.convertShape(I2S, S512, 0)).or((ShortVector) q01.convertShape(I2S, S512, -1));
                    ShortVector second = ((ShortVector) q10.convertShape(I2S, S512, 0)).or((ShortVector) q11.convertShape(I2S, S512, -1));
                    TO_WIDE[0].selectFrom(first, second).intoMemorySegment(dst, off + 64L * (2 * g), ORDER);
                    TO_WIDE[1].selectFrom(first, second).intoMemorySegment(dst, off + 64L * (2 * g + 1), ORDER);
                }
                dst.set(FLOAT_LE, off + D, 1 / iscale);
                MemorySegment.copy(ZEROS, 0, dst, off + D + 4, GgmlType.Q8_K_WIDE.blockBytes - D - 4);
            }
        }

        /** {@link #quantize}'s q (natural order) times its d = 1/iscale, as {@link #dequantize} gives them; zeros for an all-zero block. */
        @Override
        public void roundTrip(float[] x, int xOff, float[] dst, int dstOff, int n) {
            checkLength(GgmlType.Q8_K_WIDE, n);
            for (int b = 0; b < n / QK; b++) {
                int o = xOff + QK * b;
                float iscale = Q8KOps.Vectorized.inverseScale(x, o);
                if (iscale == 0) {
                    java.util.Arrays.fill(dst, dstOff + QK * b, dstOff + QK * (b + 1), 0f);
                    continue;
                }
                float d = 1 / iscale;
                for (int i = 0; i < QK; i += 16)
                    nearestInt(FloatVector.fromArray(F512, x, o + i).mul(iscale)).min(127).convert(I2F, 0).reinterpretAsFloats().mul(d).intoArray(dst, dstOff + QK * b + i);
            }
        }

        @Override
        public void dequantize(MemorySegment src, long srcOffset, float[] dst, int dstOffset, int n) {
            checkLength(GgmlType.Q8_K_WIDE, n);
            for (int b = 0; b < n / QK; b++) {
                long off = srcOffset + (long) GgmlType.Q8_K_WIDE.blockBytes * b;
                float d = f32(src, off + D);
                for (int g = 0; g < 4; g++) {
                    ShortVector even = ShortVector.fromMemorySegment(S512, src, off + 128L * g, ORDER);
                    ShortVector odd = ShortVector.fromMemorySegment(S512, src, off + 128L * g + 64, ORDER);
                    ShortVector lo = FROM_WIDE_LO.selectFrom(even, odd), hi = FROM_WIDE_HI.selectFrom(even, odd);
                    int o = dstOffset + QK * b + 32 * g;
                    ((IntVector) lo.convertShape(S2I, I512, 0)).convert(I2F, 0).reinterpretAsFloats().mul(d).intoArray(dst, o);
                    ((IntVector) lo.convertShape(S2I, I512, 1)).convert(I2F, 0).reinterpretAsFloats().mul(d).intoArray(dst, o + 16);
                    ((IntVector) hi.convertShape(S2I, I512, 0)).convert(I2F, 0).reinterpretAsFloats().mul(d).intoArray(dst, o + 128);
                    ((IntVector) hi.convertShape(S2I, I512, 1)).convert(I2F, 0).reinterpretAsFloats().mul(d).intoArray(dst, o + 144);
                }
            }
        }
    }
}

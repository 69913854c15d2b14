package dev.hearth.tensor;

import static dev.hearth.tensor.Simd.*;
import static jdk.incubator.vector.VectorOperators.*;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;

/**
 * Verification ({@link TokenwiseKernel}) for Q8_0 weights against {@link GgmlType#Q8_0_WIDE} activations. The plain dot
 * ({@code Q8_0Ops.Vectorized#dot}) multiplies a block's 32 integers in 16-bit lanes and sums adjacent pairs into 16 int
 * lanes, {@code s_i = w_2i·a_2i + w_2i+1·a_2i+1}; here the weights' even and odd integers are widened to floats once per
 * block and each token's lanes are {@code fma(w_odd, a_odd, w_even·a_even)}: products of at most 128·127 and sums below
 * 2^15, exact in floats. Per token and block that is two operations where the integer way took six (a multiply, two
 * shifts, an add, a conversion, and the weights' widening). One thread, 256 x 2048 weights in L2, nine tokens:
 * 14-21 ns a block against 50 token by token; from memory (8192 x 2048) 28-29 against 55-57. 1B Q8_0
 * {@code bench -t 2 -p 0 -n 32 -vd 8}, alternating: 1.76-1.86 verification steps/s against 0.97-1.26.
 */
final class Q8_0Tokens extends TokenwiseKernel {
    static final Q8_0Tokens KERNEL = new Q8_0Tokens();

    /**
     * From five tokens on: one thread, rows from memory, the cost of T tokens in units of one token's plain dotRows
     * (VerifyBench, 8192 x 2048): token by token 1.8-2.3 / 2.9 / 4.7-4.8 / 6.2-6.9 for T = 2 / 3 / 5 / 7, this kernel
     * 4.3-4.6 / 3.8-4.9 / 4.4-5.1 / 4.2-5.3.
     */
    private Q8_0Tokens() {
        super(34, 5);
    }

    /** Token k's even integers at 32k, its odd ones at 32k + 16, its scale at {@link #SCALES} + k. */
    @Override
    void pack(MemorySegment a, long src, int k, int nb, float[] p) {
        for (int b = 0; b < nb; b++) {
            long from = src + 68L * b;
            IntVector x = (IntVector) ShortVector.fromMemorySegment(S512, a, from, ORDER).reinterpretShape(I512, 0);
            int to = BLOCK * b + 32 * k;
            ((FloatVector) x.lanewise(LSHL, 16).lanewise(ASHR, 16).convert(I2F, 0)).intoArray(p, to);
            ((FloatVector) x.lanewise(ASHR, 16).convert(I2F, 0)).intoArray(p, to + 16);
            p[BLOCK * b + SCALES + k] = Blocks.f32(a, from + Q8_0WideOps.D);
        }
    }

    /** Each token's {@code d_w·d_a} is a scalar product broadcast (the nine as one vector, stored and read back by broadcasts, ran no faster). */
    @Override
    void nineTokens(MemorySegment w, long wb, float[] p, int po, int len, float[] acc, int o) {
        FloatVector c0 = FloatVector.fromArray(F512, acc, o), c1 = FloatVector.fromArray(F512, acc, o + 16), c2 = FloatVector.fromArray(F512, acc, o + 32);
        FloatVector c3 = FloatVector.fromArray(F512, acc, o + 48), c4 = FloatVector.fromArray(F512, acc, o + 64), c5 = FloatVector.fromArray(F512, acc, o + 80);
        FloatVector c6 = FloatVector.fromArray(F512, acc, o + 96), c7 = FloatVector.fromArray(F512, acc, o + 112), c8 = FloatVector.fromArray(F512, acc, o + 128);
        for (int j = 0; j < len; j++) {
            long wo = wb + 34L * j;
            int q = po + BLOCK * j;
            float dw = Blocks.half(w, wo);
            IntVector x = (IntVector) ((ShortVector) ByteVector.fromMemorySegment(B256, w, wo + 2, ORDER).convertShape(B2S, S512, 0)).reinterpretShape(I512, 0);
            FloatVector we = (FloatVector) x.lanewise(LSHL, 16).lanewise(ASHR, 16).convert(I2F, 0), wd = (FloatVector) x.lanewise(ASHR, 16).convert(I2F, 0);
            c0 = wd.fma(FloatVector.fromArray(F512, p, q + 16), we.mul(FloatVector.fromArray(F512, p, q))).fma(FloatVector.broadcast(F512, dw * p[q + SCALES]), c0);
            c1 = wd.fma(FloatVector.fromArray(F512, p, q + 48), we.mul(FloatVector.fromArray(F512, p, q + 32))).fma(FloatVector.broadcast(F512, dw * p[q + SCALES + 1]), c1);
            c2 = wd.fma(FloatVector.fromArray(F512, p, q + 80), we.mul(FloatVector.fromArray(F512, p, q + 64))).fma(FloatVector.broadcast(F512, dw * p[q + SCALES + 2]), c2);
            c3 = wd.fma(FloatVector.fromArray(F512, p, q + 112), we.mul(FloatVector.fromArray(F512, p, q + 96))).fma(FloatVector.broadcast(F512, dw * p[q + SCALES + 3]), c3);
            c4 = wd.fma(FloatVector.fromArray(F512, p, q + 144), we.mul(FloatVector.fromArray(F512, p, q + 128))).fma(FloatVector.broadcast(F512, dw * p[q + SCALES + 4]), c4);
            c5 = wd.fma(FloatVector.fromArray(F512, p, q + 176), we.mul(FloatVector.fromArray(F512, p, q + 160))).fma(FloatVector.broadcast(F512, dw * p[q + SCALES + 5]), c5);
            c6 = wd.fma(FloatVector.fromArray(F512, p, q + 208), we.mul(FloatVector.fromArray(F512, p, q + 192))).fma(FloatVector.broadcast(F512, dw * p[q + SCALES + 6]), c6);
            c7 = wd.fma(FloatVector.fromArray(F512, p, q + 240), we.mul(FloatVector.fromArray(F512, p, q + 224))).fma(FloatVector.broadcast(F512, dw * p[q + SCALES + 7]), c7);
            c8 = wd.fma(FloatVector.fromArray(F512, p, q + 272), we.mul(FloatVector.fromArray(F512, p, q + 256))).fma(FloatVector.broadcast(F512, dw * p[q + SCALES + 8]), c8);
        }
        c0.intoArray(acc, o);
        c1.intoArray(acc, o + 16);
        c2.intoArray(acc, o + 32);
        c3.intoArray(acc, o + 48);
        c4.intoArray(acc, o + 64);
        c5.intoArray(acc, o + 80);
        c6.intoArray(acc, o + 96);
        c7.intoArray(acc, o + 112);
        c8.intoArray(acc, o + 128);
    }
}

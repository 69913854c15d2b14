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

    /**
     * Two rows in one pass, as {@code Q4_0Tokens#twoRows}: each pair of activation vectors loaded once for both rows
     * (lo/hi here: the even and odd integers), each row's operations {@link #nineTokens}' in its order. 1B Q8_0, two
     * threads, {@code bench -p 0 -n 16 -vd 8}'s cost row, processes alternating: 4.09 / 4.10 / 4.30 plain steps against
     * 4.81 / 4.78 / 4.75 row by row.
     */
    @Override
    void twoRows(MemorySegment w, long wb, long wb2, float[] p, int po, int len, float[] acc, int o, int o2, float[] scratch) {
        FloatVector c0 = FloatVector.fromArray(F512, acc, o + 0), c1 = FloatVector.fromArray(F512, acc, o + 16), c2 = FloatVector.fromArray(F512, acc, o + 32);
        FloatVector c3 = FloatVector.fromArray(F512, acc, o + 48), c4 = FloatVector.fromArray(F512, acc, o + 64), c5 = FloatVector.fromArray(F512, acc, o + 80);
        FloatVector c6 = FloatVector.fromArray(F512, acc, o + 96), c7 = FloatVector.fromArray(F512, acc, o + 112), c8 = FloatVector.fromArray(F512, acc, o + 128);
        FloatVector d0 = FloatVector.fromArray(F512, acc, o2 + 0), d1 = FloatVector.fromArray(F512, acc, o2 + 16), d2 = FloatVector.fromArray(F512, acc, o2 + 32);
        FloatVector d3 = FloatVector.fromArray(F512, acc, o2 + 48), d4 = FloatVector.fromArray(F512, acc, o2 + 64), d5 = FloatVector.fromArray(F512, acc, o2 + 80);
        FloatVector d6 = FloatVector.fromArray(F512, acc, o2 + 96), d7 = FloatVector.fromArray(F512, acc, o2 + 112), d8 = FloatVector.fromArray(F512, acc, o2 + 128);
        for (int j = 0; j < len; j++) {
            long wo = wb + 34L * j, wo2 = wb2 + 34L * j;
            int q = (po + BLOCK * j) & INDEX_MASK;
            FloatVector da = FloatVector.fromArray(F512, p, q + SCALES);
            da.mul(Blocks.half(w, wo)).intoArray(scratch, 0);
            da.mul(Blocks.half(w, wo2)).intoArray(scratch, 16);
            IntVector v = (IntVector) ((ShortVector) ByteVector.fromMemorySegment(B256, w, wo + 2, ORDER).convertShape(B2S, S512, 0)).reinterpretShape(I512, 0);
            FloatVector lo = (FloatVector) v.lanewise(LSHL, 16).lanewise(ASHR, 16).convert(I2F, 0), hi = (FloatVector) v.lanewise(ASHR, 16).convert(I2F, 0);
            IntVector v2 = (IntVector) ((ShortVector) ByteVector.fromMemorySegment(B256, w, wo2 + 2, ORDER).convertShape(B2S, S512, 0)).reinterpretShape(I512, 0);
            FloatVector lo2 = (FloatVector) v2.lanewise(LSHL, 16).lanewise(ASHR, 16).convert(I2F, 0), hi2 = (FloatVector) v2.lanewise(ASHR, 16).convert(I2F, 0);
            { FloatVector x = FloatVector.fromArray(F512, p, q + 0), y = FloatVector.fromArray(F512, p, q + 16);
              c0 = hi.fma(y, lo.mul(x)).fma(FloatVector.broadcast(F512, scratch[0]), c0);
              d0 = hi2.fma(y, lo2.mul(x)).fma(FloatVector.broadcast(F512, scratch[16]), d0); }
            { FloatVector x = FloatVector.fromArray(F512, p, q + 32), y = FloatVector.fromArray(F512, p, q + 48);
              c1 = hi.fma(y, lo.mul(x)).fma(FloatVector.broadcast(F512, scratch[1]), c1);
              d1 = hi2.fma(y, lo2.mul(x)).fma(FloatVector.broadcast(F512, scratch[17]), d1); }
            { FloatVector x = FloatVector.fromArray(F512, p, q + 64), y = FloatVector.fromArray(F512, p, q + 80);
              c2 = hi.fma(y, lo.mul(x)).fma(FloatVector.broadcast(F512, scratch[2]), c2);
              d2 = hi2.fma(y, lo2.mul(x)).fma(FloatVector.broadcast(F512, scratch[18]), d2); }
            { FloatVector x = FloatVector.fromArray(F512, p, q + 96), y = FloatVector.fromArray(F512, p, q + 112);
              c3 = hi.fma(y, lo.mul(x)).fma(FloatVector.broadcast(F512, scratch[3]), c3);
              d3 = hi2.fma(y, lo2.mul(x)).fma(FloatVector.broadcast(F512, scratch[19]), d3); }
            { FloatVector x = FloatVector.fromArray(F512, p, q + 128), y = FloatVector.fromArray(F512, p, q + 144);
              c4 = hi.fma(y, lo.mul(x)).fma(FloatVector.broadcast(F512, scratch[4]), c4);
              d4 = hi2.fma(y, lo2.mul(x)).fma(FloatVector.broadcast(F512, scratch[20]), d4); }
            { FloatVector x = FloatVector.fromArray(F512, p, q + 160), y = FloatVector.fromArray(F512, p, q + 176);
              c5 = hi.fma(y, lo.mul(x)).fma(FloatVector.broadcast(F512, scratch[5]), c5);
              d5 = hi2.fma(y, lo2.mul(x)).fma(FloatVector.broadcast(F512, scratch[21]), d5); }
            { FloatVector x = FloatVector.fromArray(F512, p, q + 192), y = FloatVector.fromArray(F512, p, q + 208);
              c6 = hi.fma(y, lo.mul(x)).fma(FloatVector.broadcast(F512, scratch[6]), c6);
              d6 = hi2.fma(y, lo2.mul(x)).fma(FloatVector.broadcast(F512, scratch[22]), d6); }
            { FloatVector x = FloatVector.fromArray(F512, p, q + 224), y = FloatVector.fromArray(F512, p, q + 240);
              c7 = hi.fma(y, lo.mul(x)).fma(FloatVector.broadcast(F512, scratch[7]), c7);
              d7 = hi2.fma(y, lo2.mul(x)).fma(FloatVector.broadcast(F512, scratch[23]), d7); }
            { FloatVector x = FloatVector.fromArray(F512, p, q + 256), y = FloatVector.fromArray(F512, p, q + 272);
              c8 = hi.fma(y, lo.mul(x)).fma(FloatVector.broadcast(F512, scratch[8]), c8);
              d8 = hi2.fma(y, lo2.mul(x)).fma(FloatVector.broadcast(F512, scratch[24]), d8); }
        }
        c0.intoArray(acc, o + 0);
        c1.intoArray(acc, o + 16);
        c2.intoArray(acc, o + 32);
        c3.intoArray(acc, o + 48);
        c4.intoArray(acc, o + 64);
        c5.intoArray(acc, o + 80);
        c6.intoArray(acc, o + 96);
        c7.intoArray(acc, o + 112);
        c8.intoArray(acc, o + 128);
        d0.intoArray(acc, o2 + 0);
        d1.intoArray(acc, o2 + 16);
        d2.intoArray(acc, o2 + 32);
        d3.intoArray(acc, o2 + 48);
        d4.intoArray(acc, o2 + 64);
        d5.intoArray(acc, o2 + 80);
        d6.intoArray(acc, o2 + 96);
        d7.intoArray(acc, o2 + 112);
        d8.intoArray(acc, o2 + 128);
    }
}

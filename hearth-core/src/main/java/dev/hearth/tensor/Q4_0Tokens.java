package dev.hearth.tensor;

import static dev.hearth.tensor.Simd.*;
import static jdk.incubator.vector.VectorOperators.*;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;

/**
 * Verification ({@link TokenwiseKernel}) for Q4_0 weights, in the file's layout or {@link RowBlocks}', against
 * {@link GgmlType#Q8_0_NIBBLE} activations. The plain dot ({@code Q4_0Ops.Vectorized#dot}) forms a block's 16 lanes
 * {@code s_i = (l_i-8)·q_i + (h_i-8)·q_16+i} (nibbles l, h of weight byte i) with two FMAs on pre-scaled activations;
 * here the nibbles, less 8, are widened to floats once per block, the activations' integers are unpacked to floats
 * once per call, and each token's lanes are {@code fma(h-8, q', (l-8)·q)}: products of at most 8·127, exact in floats.
 * Two operations a token and block against the plain kernel's two FMAs plus its per-token byte permute and mask, but
 * the plain kernel is lean (two rows share each activation load), so the gain is smaller than Q8_0's: one thread,
 * nine tokens against one in the same process, 256 x 2048 weights: 5.4-7.5x against 7.5-9.3x token by token; 1B Q4_0
 * {@code bench -t 2 -p 0 -n 32 -vd 8}, alternating: 2.05 and 2.18 verification steps/s against 1.87 and 1.98.
 *
 * <p>The plain kernel widens the weight scale with 2^-112 folded in and carries 2^112 on the activation's scale; the
 * product of the two is {@code d_w·d_a} exactly before its one rounding, so here {@code d_w·d_a} of the plain values
 * (an inf or NaN scale included, which the plain dot sends to its exact path: the same product).
 */
final class Q4_0Tokens extends TokenwiseKernel {
    static final Q4_0Tokens KERNEL = new Q4_0Tokens();

    /**
     * From eight tokens on: one thread, rows from memory, the cost of T tokens in units of one token's plain dotRows
     * (VerifyBench, 8192 x 2048, regrouped rows): token by token 1.9 / 2.8-3.0 / 3.8-5.3 / 6.3 for T = 2 / 3 / 5 / 7, this
     * kernel 5.8-6.3 / 5.1-7.2 / 6.0-6.1 / 5.8-6.4.
     */
    private Q4_0Tokens() {
        super(18, 8);
    }

    /** Indices for {@code selectFrom}: every byte of int lane i is weight byte i. */
    private static final ByteVector SPREAD = ByteVector.fromArray(ByteVector.SPECIES_512, spread(), 0);

    private static byte[] spread() {
        byte[] idx = new byte[64];
        for (int i = 0; i < 64; i++) idx[i] = (byte) (i / 4);
        return idx;
    }

    /**
     * Token k's q_0..q_15 at 32k, q_16..q_31 at 32k + 16 (from the encoding's A1 = 2^15·q and A2 = 2^11·(q' - 16q),
     * exactly), its scale d_a (the encoding's d·2^112 times 2^-112) at {@link #SCALES} + k.
     */
    @Override
    void pack(MemorySegment a, long src, int k, int nb, float[] p) {
        for (int b = 0; b < nb; b++) {
            long from = src + (long) Q8_0NibbleOps.BLOCK * b;
            int to = BLOCK * b + 32 * k;
            FloatVector q = FloatVector.fromMemorySegment(F512, a, from, ORDER).mul(0x1p-15f);
            q.intoArray(p, to);
            FloatVector.fromMemorySegment(F512, a, from + 64, ORDER).mul(0x1p-11f).add(q.mul(16f)).intoArray(p, to + 16);
            p[BLOCK * b + SCALES + k] = Blocks.f32(a, from + Q8_0NibbleOps.SCALES) * 0x1p-112f;
        }
    }

    @Override
    void nineTokens(MemorySegment w, long wb, float[] p, int po, int len, float[] acc, int o) {
        FloatVector c0 = FloatVector.fromArray(F512, acc, o), c1 = FloatVector.fromArray(F512, acc, o + 16), c2 = FloatVector.fromArray(F512, acc, o + 32);
        FloatVector c3 = FloatVector.fromArray(F512, acc, o + 48), c4 = FloatVector.fromArray(F512, acc, o + 64), c5 = FloatVector.fromArray(F512, acc, o + 80);
        FloatVector c6 = FloatVector.fromArray(F512, acc, o + 96), c7 = FloatVector.fromArray(F512, acc, o + 112), c8 = FloatVector.fromArray(F512, acc, o + 128);
        for (int j = 0; j < len; j++) {
            long wo = wb + 18L * j;
            int q = po + BLOCK * j;
            float dw = Blocks.half(w, wo);
            // the 16 bytes into a 512-bit vector (the rest zero) and spread, one byte per int lane (a 128-to-512-bit
            // conversion instead was not compiled to an instruction)
            ByteVector bytes = (ByteVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_128, w, wo + 2, ORDER).reinterpretShape(ByteVector.SPECIES_512, 0);
            IntVector x = (IntVector) SPREAD.selectFrom(bytes).reinterpretShape(I512, 0);
            FloatVector lo = (FloatVector) x.and(0xF).sub(8).convert(I2F, 0), hi = (FloatVector) x.lanewise(LSHR, 4).and(0xF).sub(8).convert(I2F, 0);
            c0 = hi.fma(FloatVector.fromArray(F512, p, q + 16), lo.mul(FloatVector.fromArray(F512, p, q))).fma(FloatVector.broadcast(F512, dw * p[q + SCALES]), c0);
            c1 = hi.fma(FloatVector.fromArray(F512, p, q + 48), lo.mul(FloatVector.fromArray(F512, p, q + 32))).fma(FloatVector.broadcast(F512, dw * p[q + SCALES + 1]), c1);
            c2 = hi.fma(FloatVector.fromArray(F512, p, q + 80), lo.mul(FloatVector.fromArray(F512, p, q + 64))).fma(FloatVector.broadcast(F512, dw * p[q + SCALES + 2]), c2);
            c3 = hi.fma(FloatVector.fromArray(F512, p, q + 112), lo.mul(FloatVector.fromArray(F512, p, q + 96))).fma(FloatVector.broadcast(F512, dw * p[q + SCALES + 3]), c3);
            c4 = hi.fma(FloatVector.fromArray(F512, p, q + 144), lo.mul(FloatVector.fromArray(F512, p, q + 128))).fma(FloatVector.broadcast(F512, dw * p[q + SCALES + 4]), c4);
            c5 = hi.fma(FloatVector.fromArray(F512, p, q + 176), lo.mul(FloatVector.fromArray(F512, p, q + 160))).fma(FloatVector.broadcast(F512, dw * p[q + SCALES + 5]), c5);
            c6 = hi.fma(FloatVector.fromArray(F512, p, q + 208), lo.mul(FloatVector.fromArray(F512, p, q + 192))).fma(FloatVector.broadcast(F512, dw * p[q + SCALES + 6]), c6);
            c7 = hi.fma(FloatVector.fromArray(F512, p, q + 240), lo.mul(FloatVector.fromArray(F512, p, q + 224))).fma(FloatVector.broadcast(F512, dw * p[q + SCALES + 7]), c7);
            c8 = hi.fma(FloatVector.fromArray(F512, p, q + 272), lo.mul(FloatVector.fromArray(F512, p, q + 256))).fma(FloatVector.broadcast(F512, dw * p[q + SCALES + 8]), c8);
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
     * Two rows in one pass: each pair of activation vectors is loaded once for both (the nine-token kernel is bound by its
     * loads: two vectors a token and block). Each row's operations are {@link #nineTokens}' (its d_w·d_a products formed
     * as one vector and read back by broadcasts: the same rounded products). One thread, 256 x 2048 weights, against
     * nineTokens row by row in the same process: 10.5 against 13.0 ns a block and row, 16.3 against 19.3 in a slow period
     * of this VM (18 accumulators, two rows' weights and the pair of activations leave C2 a few accumulators to spill).
     * 1B Q4_0, two threads, {@code bench -p 0 -n 16 -vd 8}, processes alternating: a step of one token and eight drafts
     * cost a median 5.19 plain steps in ten processes (4.83-5.87, and one at 8.73), against 5.77 (5.49-5.94) in six.
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
            long wo = wb + 18L * j, wo2 = wb2 + 18L * j;
            int q = (po + BLOCK * j) & INDEX_MASK;
            FloatVector da = FloatVector.fromArray(F512, p, q + SCALES);
            da.mul(Blocks.half(w, wo)).intoArray(scratch, 0);
            da.mul(Blocks.half(w, wo2)).intoArray(scratch, 16);
            ByteVector bytes = (ByteVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_128, w, wo + 2, ORDER).reinterpretShape(ByteVector.SPECIES_512, 0);
            IntVector v = (IntVector) SPREAD.selectFrom(bytes).reinterpretShape(I512, 0);
            FloatVector lo = (FloatVector) v.and(0xF).sub(8).convert(I2F, 0), hi = (FloatVector) v.lanewise(LSHR, 4).and(0xF).sub(8).convert(I2F, 0);
            ByteVector bytes2 = (ByteVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_128, w, wo2 + 2, ORDER).reinterpretShape(ByteVector.SPECIES_512, 0);
            IntVector v2 = (IntVector) SPREAD.selectFrom(bytes2).reinterpretShape(I512, 0);
            FloatVector lo2 = (FloatVector) v2.and(0xF).sub(8).convert(I2F, 0), hi2 = (FloatVector) v2.lanewise(LSHR, 4).and(0xF).sub(8).convert(I2F, 0);
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

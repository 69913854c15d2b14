package dev.hearth.tensor;

import static dev.hearth.tensor.Blocks.*;
import static dev.hearth.tensor.Simd.*;
import static jdk.incubator.vector.VectorOperators.*;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Q5_0: 32 values per 22-byte block = {@code ggml_half d; uint8_t qh[4]; uint8_t qs[16]}; the low
 * four bits as in Q4_0, bit j of the little-endian 32-bit qh is value j's fifth bit; value
 * = d·(q - 16) (ggml-common.h block_q5_0, ggml-quants.c dequantize_row_q5_0). Dots against Q8_0.
 */
class Q5_0Ops extends BlockOps {
    static final int QK = 32;

    Q5_0Ops() {
        super(GgmlType.Q5_0, GgmlType.Q8_0);
    }

    Q5_0Ops(GgmlType dotType) {
        super(GgmlType.Q5_0, dotType);
    }

    /** The 5-bit level of value j (0..31) of the block at {@code off}, given its qh word. */
    static int level(MemorySegment s, long off, int qh, int j) {
        int q = u8(s, off + 6 + (j & 15));
        int low = j < 16 ? q & 0xF : q >> 4;
        return low | (((qh >>> j) & 1) << 4);
    }

    @Override
    void dequantizeBlock(MemorySegment src, long off, float[] dst, int dstOff) {
        float d = half(src, off);
        int qh = i32(src, off + 2);
        for (int j = 0; j < QK; j++) dst[dstOff + j] = (level(src, off, qh, j) - 16) * d;
    }

    /** quantize_row_q5_0_ref: d = max/-16, q = min(31, trunc(x/d + 16.5)). */
    @Override
    void quantizeBlock(float[] x, int xOff, MemorySegment dst, long off) {
        float amax = 0;
        float max = 0;
        for (int j = 0; j < QK; j++) {
            float v = x[xOff + j];
            if (amax < Math.abs(v)) {
                amax = Math.abs(v);
                max = v;
            }
        }
        float d = max / -16;
        float id = d != 0 ? 1.0f / d : 0.0f;
        putHalf(dst, off, d);
        int qh = 0;
        for (int j = 0; j < QK / 2; j++) {
            int q0 = Math.min(31, (int) (x[xOff + j] * id + 16.5f));
            int q1 = Math.min(31, (int) (x[xOff + QK / 2 + j] * id + 16.5f));
            putByte(dst, off + 6 + j, (q0 & 0xF) | ((q1 & 0xF) << 4));
            qh |= ((q0 >> 4) & 1) << j;
            qh |= ((q1 >> 4) & 1) << (j + QK / 2);
        }
        dst.set(INT_LE, off + 2, qh);
    }

    /** ggml_vec_dot_q5_0_q8_0_generic: (d_w·d_a)·sumi. */
    @Override
    float dotBlock(MemorySegment w, long wOff, MemorySegment a, long aOff) {
        int qh = i32(w, wOff + 2);
        int sumi = 0;
        for (int j = 0; j < QK; j++) sumi += (level(w, wOff, qh, j) - 16) * i8(a, aOff + 2 + j);
        return (half(w, wOff) * half(a, aOff)) * sumi;
    }

    /** Bit j of a 16-bit word in lane j: selects each lane's fifth bit from half of qh. */
    static final ShortVector LANE_BITS = ShortVector.fromArray(S256,
            new short[] {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, (short) 32768}, 0);

    /**
     * Vector dot: as Q4_0's, the fifth bits (low half of qh for values 0..15, high half for 16..31)
     * selected per lane with {@link #LANE_BITS}. Self-contained on purpose: see {@link Simd} on why kernels do not call vector helpers.
     */
    static final class Vectorized extends Q5_0Ops {
        /** Takes {@link GgmlType#Q8_0_WIDE} activations: the same numbers as Q8_0, already 16-bit. */
        Vectorized() {
            super(GgmlType.Q8_0_WIDE);
        }

        @Override
        public float dot(MemorySegment w, long wOffset, MemorySegment a, long aOffset, int n) {
            checkLength(GgmlType.Q5_0, n);
            FloatVector acc = FloatVector.zero(F512);
            for (int b = 0; b < n / QK; b++) {
                long wo = wOffset + 22L * b, ao = aOffset + 68L * b;
                float d = half(w, wo) * f32(a, ao + Q8_0WideOps.D);
                int qh = i32(w, wo + 2);
                ByteVector q = ByteVector.fromMemorySegment(B128, w, wo + 6, ORDER);
                ShortVector lo = (ShortVector) q.and((byte) 0xF).convertShape(B2S, S256, 0);
                ShortVector hi = (ShortVector) q.lanewise(LSHR, 4).convertShape(B2S, S256, 0);
                lo = lo.sub((short) 16, ShortVector.broadcast(S256, (short) qh).and(LANE_BITS).compare(EQ, (short) 0));
                hi = hi.sub((short) 16, ShortVector.broadcast(S256, (short) (qh >>> 16)).and(LANE_BITS).compare(EQ, (short) 0));
                ShortVector a0 = ShortVector.fromMemorySegment(S256, a, ao, ORDER);
                ShortVector a1 = ShortVector.fromMemorySegment(S256, a, ao + 32, ORDER);
                IntVector s = (IntVector) lo.mul(a0).add(hi.mul(a1)).convertShape(S2I, I512, 0);
                acc = ((FloatVector) s.convert(I2F, 0)).fma(FloatVector.broadcast(F512, d), acc);
            }
            // LaneSum.of's tree spelled out (a call that is not inlined would box the vector for every row)
            acc = acc.add(acc.rearrange(LaneSum.HALF8));
            acc = acc.add(acc.rearrange(LaneSum.HALF4));
            acc = acc.add(acc.rearrange(LaneSum.HALF2));
            return acc.lane(0) + acc.lane(1);
        }
    }
}
